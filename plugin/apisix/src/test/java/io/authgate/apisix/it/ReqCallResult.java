package io.authgate.apisix.it;

import java.util.List;
import java.util.Objects;

/**
 * What one HTTPReqCall exchange ended with, as APISIX would act on it.
 *
 * @param action         NONE, STOP or REWRITE from a type-2 reply, ERROR from a type-0 reply
 * @param requestId      the id APISIX put in the request
 * @param responseId     the id the runner echoed (-1 for ERROR, which carries none)
 * @param status         STOP only: the status APISIX answers with (the runner's 0 becomes 200, as in APISIX)
 * @param stopHeaders    STOP only: response headers in reply order; a null value means "remove"
 * @param stopBody       STOP only: the body, UTF-8 ("" when the reply has none)
 * @param rewritePath    REWRITE only: the new upstream path, or null to keep it
 * @param rewriteHeaders REWRITE only: request headers to set, in reply order; a null value means "delete"
 * @param rewriteArgs    REWRITE only: query arguments to set, in reply order; a null value means "delete"
 * @param errorCode      ERROR only: the A6 {@code Err.Code} (0 BAD_REQUEST, 1 SERVICE_UNAVAILABLE,
 *                       2 CONF_TOKEN_NOT_FOUND); -1 otherwise
 */
public record ReqCallResult(Action action, long requestId, long responseId, int status,
                            List<NameValue> stopHeaders, String stopBody, String rewritePath,
                            List<NameValue> rewriteHeaders, List<NameValue> rewriteArgs, int errorCode) {

    public enum Action { NONE, STOP, REWRITE, ERROR }

    public ReqCallResult {
        Objects.requireNonNull(action, "action");
        stopHeaders = List.copyOf(stopHeaders);
        rewriteHeaders = List.copyOf(rewriteHeaders);
        rewriteArgs = List.copyOf(rewriteArgs);
        Objects.requireNonNull(stopBody, "stopBody");
    }

    public static ReqCallResult none(long requestId, long responseId) {
        return new ReqCallResult(Action.NONE, requestId, responseId, 0, List.of(), "", null, List.of(), List.of(), -1);
    }

    public static ReqCallResult stop(long requestId, long responseId, int status, List<NameValue> headers,
                                     String body) {
        return new ReqCallResult(Action.STOP, requestId, responseId, status, headers, body, null, List.of(),
                List.of(), -1);
    }

    public static ReqCallResult rewrite(long requestId, long responseId, String path, List<NameValue> headers,
                                        List<NameValue> args) {
        return new ReqCallResult(Action.REWRITE, requestId, responseId, 0, List.of(), "", path, headers, args, -1);
    }

    public static ReqCallResult error(long requestId, int errorCode) {
        return new ReqCallResult(Action.ERROR, requestId, -1, 0, List.of(), "", null, List.of(), List.of(),
                errorCode);
    }
}
