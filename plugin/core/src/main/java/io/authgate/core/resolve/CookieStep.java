package io.authgate.core.resolve;

import io.authgate.core.GatewayRequest;
import io.authgate.core.credentials.BearerToken;
import io.authgate.core.credentials.SessionCookie;
import io.authgate.core.credentials.SessionCookies;
import io.authgate.core.remote.RemoteCredential;
import io.authgate.core.resolution.Resolution;
import io.authgate.core.resolution.StepAnswer;

import java.util.List;
/** The request's Authgear session cookies, asked of Authgear together (it picks the first that resolves). */
final class CookieStep implements CredentialStep {
    private final SessionCookies sessionCookies;
    private final AuthgearAnswers authgear;

    CookieStep(SessionCookies sessionCookies, AuthgearAnswers authgear) {
        this.sessionCookies = sessionCookies;
        this.authgear = authgear;
    }

    @Override
    public StepAnswer resolve(BearerToken bearer, GatewayRequest request) {
        List<SessionCookie> cookies = sessionCookies.find(request.cookieHeaders());
        if (cookies.isEmpty()) {
            return Resolution.Unresolved.NOT_RESPONSIBLE;
        }
        return authgear.ask(RemoteCredential.cookies(cookies), List.of());
    }
}
