package io.authgate.apisix;

import io.authgate.core.Authgate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the filter with the runner. The runner only component-scans its own package; this class
 * is named in {@code META-INF/spring.factories}, so dropping the jar into {@code loader.path} is the
 * whole installation.
 */
@Configuration(proxyBeanMethods = false)
public class AuthgateAutoConfiguration {

    @Bean
    RouteResolvers authgateRouteResolvers() {
        return new RouteResolvers(Authgate.create(new Slf4jEvents()));
    }

    @Bean
    AuthgearResolverFilter authgearResolverFilter(RouteResolvers routes) {
        return new AuthgearResolverFilter(routes);
    }

    @Bean
    AuthgateConfigWatcher authgateConfigWatcher(RouteResolvers routes) {
        return new AuthgateConfigWatcher(routes);
    }
}
