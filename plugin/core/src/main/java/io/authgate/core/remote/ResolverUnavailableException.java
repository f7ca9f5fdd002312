package io.authgate.core.remote;

import io.authgate.core.ResolverFailure;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * Authgear's resolver did not answer 200 in time. The message is safe to log (it never holds the
 * credential); no stack trace is filled in, since the cause is the network, not the code.
 */
public final class ResolverUnavailableException extends RuntimeException {

    private final ResolverFailure cause;

    public ResolverUnavailableException(ResolverFailure cause, String message) {
        super(message, null, false, false);
        this.cause = cause;
    }

    /** What a failed call amounts to: the exception itself, or the cause classified (completion wrappers unwrapped). */
    public static ResolverUnavailableException of(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ResolverUnavailableException e) {
            return e;
        }
        if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
            return new ResolverUnavailableException(ResolverFailure.TIMEOUT, "Authgear's resolver did not answer in time");
        }
        String what = cause instanceof IOException ? "cannot reach Authgear's resolver" : "Authgear's resolver call failed";
        return new ResolverUnavailableException(ResolverFailure.CONNECTION, what + ": " + inWords(cause));
    }

    /** The failure in words, not a Java class name: the logs say it to operators (and are scanned for stack traces). */
    private static String inWords(Throwable cause) {
        if (cause instanceof java.net.ConnectException) {
            return "connection refused or unreachable";
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? "connection failed" : message.replaceAll("\\s+", " ");
    }

    public ResolverFailure reason() {
        return cause;
    }
}
