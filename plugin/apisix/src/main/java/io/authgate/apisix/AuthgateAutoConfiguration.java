package io.authgate.apisix;

import io.authgate.core.Authgate;
import io.authgate.core.HostHeader;
import io.authgate.core.StateChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the filters with the runner ({@code AuthgearResolver}, {@code AuthgearWebhook}). The runner only component-scans its own package; this class
 * is named in {@code META-INF/spring.factories}, so dropping the jar into {@code loader.path} is the
 * whole installation.
 */
@Configuration(proxyBeanMethods = false)
public class AuthgateAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(AuthgateAutoConfiguration.class);

    /** One runtime for both filters: a project's watermarks and Redis stream are the runner's, not a filter's. Closed with the context. */
    @Bean
    Authgate authgate() {
        HostHeader.allowForResolver(); // JVM-wide: the runner's start-up is where it belongs
        return Authgate.create(new StateChanges(new Slf4jEvents()));
    }

    @Bean
    RouteGates authgateRouteGates(Authgate authgate) {
        return new RouteGates(authgate);
    }

    @Bean
    AuthgearWebhookFilter authgearWebhookFilter(Authgate authgate) {
        return new AuthgearWebhookFilter(new WebhookRoutes(authgate, System.getenv()));
    }

    @Bean
    AuthgearResolverFilter authgearResolverFilter(RouteGates routes) {
        HeaderLineLimit lineLimit = HeaderLineLimit.forRunner();
        if (lineLimit instanceof HeaderLineLimit.Uncounted uncounted) {
            LOG.warn("authgate: {}; every request is treated as if APISIX had hidden header lines from the runner "
                    + "(every spelling of the identity headers is deleted on every request)", uncounted.reason());
        }
        return new AuthgearResolverFilter(routes, lineLimit, DecisionLogger.fromSystemProperty());
    }

    @Bean
    AuthgateConfigWatcher authgateConfigWatcher(RouteGates routes) {
        return new AuthgateConfigWatcher(routes);
    }
}
