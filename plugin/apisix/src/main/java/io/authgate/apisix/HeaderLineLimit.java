package io.authgate.apisix;

import io.github.api7.A6.HTTPReqCall.Req;
import org.apache.apisix.plugin.runner.HttpRequest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Whether APISIX may have kept header lines from the runner that nginx still proxies upstream.
 *
 * <p>APISIX's {@code ext-plugin/init.lua} builds the HTTPReqCall from {@code core.request.headers(ctx)}, one
 * entry per value; that is {@code ngx.req.get_headers()} without a limit argument ({@code apisix/core/request.lua}),
 * which lua-resty-core passes on as -1, and lua-nginx-module ({@code ngx_http_lua_ffi_req_get_headers_count})
 * then stops at {@code NGX_HTTP_LUA_MAX_HEADERS}, 100 lines, counting every line (Host and repeated names
 * included). So a request that arrives with fewer than 100 entries was seen whole; one with 100 may have had
 * more.
 *
 * <p>Runner 0.4.0's {@code HttpRequest} does not say how many entries came: {@code getHeaders()} puts them in a
 * map, where repeated names collapse. The count is read from the flatbuffer the request wraps (its private
 * field {@code req}, read in apache/apisix-java-plugin-runner 0.4.0 {@code runner-plugin-sdk/.../HttpRequest.java}),
 * through a handle found once. Where that field is missing (another runner), every request counts as possibly
 * cut short: correct, at the cost of deleting every spelling on every request.
 */
sealed interface HeaderLineLimit permits HeaderLineLimit.Counted, HeaderLineLimit.Uncounted {

    /** lua-nginx-module's NGX_HTTP_LUA_MAX_HEADERS, the default of ngx.req.get_headers(). */
    int APISIX_HEADER_LINES = 100;

    boolean mayHideLines(HttpRequest request);

    /** The runner's own: counted when the runner's HttpRequest is the one this was written against. */
    static HeaderLineLimit forRunner() {
        try {
            VarHandle req = MethodHandles.privateLookupIn(HttpRequest.class, MethodHandles.lookup())
                    .findVarHandle(HttpRequest.class, "req", Req.class);
            return new Counted(req);
        } catch (ReflectiveOperationException | SecurityException e) {
            return new Uncounted("the runner's HttpRequest has no readable field req (" + e + ")");
        }
    }

    /** Reads the number of header entries of the HTTPReqCall: no allocation, no copy. */
    record Counted(VarHandle req) implements HeaderLineLimit {
        @Override
        public boolean mayHideLines(HttpRequest request) {
            // >=, not ==: a plugin before ext-plugin-pre-req that adds a header grows APISIX's cached table
            return ((Req) req.get(request)).headersLength() >= APISIX_HEADER_LINES;
        }
    }

    /** @param reason why the entries cannot be counted, for the start-up log */
    record Uncounted(String reason) implements HeaderLineLimit {
        @Override
        public boolean mayHideLines(HttpRequest request) {
            return true;
        }
    }
}
