package io.authgate.core.jwt;

import io.authgate.core.TokenRejection;
import io.authgate.core.config.ConfigParser;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.authgate.core.jwt.Tokens.ISSUER;
import static io.authgate.core.jwt.Tokens.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** Each validator class on its own, boundaries included. */
class TokenValidatorRulesTest {

    @Nested
    class AlgorithmAllowListRule {
        private final AlgorithmAllowList rule = new AlgorithmAllowList(Set.of("RS256", "ES256"));

        @ParameterizedTest
        @ValueSource(strings = {"RS256", "ES256"})
        void anAllowedAlgorithmPasses(String alg) {
            assertThat(rule.validate(Tokens.valid().alg(alg).build(), NOW)).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"RS512", "PS256", "HS256", "none", "rs256", "Rs256", ""})
        void anyOtherAlgorithmIsRejected(String alg) {
            assertThat(rule.validate(Tokens.valid().alg(alg).build(), NOW)).contains(TokenRejection.ALGORITHM_NOT_ALLOWED);
        }

        @Test
        void theAllowListIsCopied() {
            java.util.Set<String> allowed = new java.util.HashSet<>(Set.of("RS256"));
            AlgorithmAllowList copy = new AlgorithmAllowList(allowed);
            allowed.add("HS256");
            assertThat(copy.validate(Tokens.valid().alg("HS256").build(), NOW)).contains(TokenRejection.ALGORITHM_NOT_ALLOWED);
        }
    }

    @Nested
    class AccessTokenTypeRule {
        private final AccessTokenType rule = new AccessTokenType();

        @ParameterizedTest
        @ValueSource(strings = {"at+jwt", "AT+JWT", "At+Jwt", "application/at+jwt", "APPLICATION/AT+JWT"})
        void accessTokenTypesPass(String typ) {
            assertThat(rule.validate(Tokens.valid().typ(typ).build(), NOW)).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"JWT", "jwt", "at+jwt ", " at+jwt", "application/jwt", "at-jwt", "application/at+jwt;x=1",
                "text/at+jwt", "id+jwt", ""})
        void otherTypesAreRejected(String typ) {
            assertThat(rule.validate(Tokens.valid().typ(typ).build(), NOW)).contains(TokenRejection.WRONG_TYPE);
        }

        @Test
        void aMissingTypeIsRejected() {
            assertThat(rule.validate(Tokens.valid().typ(null).build(), NOW)).contains(TokenRejection.WRONG_TYPE);
        }
    }

    @Nested
    class IssuerEqualsRule {
        private final IssuerEquals rule = new IssuerEquals(ISSUER);

        @Test
        void theExactIssuerPasses() {
            assertThat(rule.validate(Tokens.valid().build(), NOW)).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"https://auth.example.com/", "https://AUTH.example.com", "http://auth.example.com",
                "https://auth.example.com:443", "https://auth.example.com.evil.com", "https://evil.example.com", ""})
        void anyOtherIssuerIsRejected(String iss) {
            assertThat(rule.validate(Tokens.valid().iss(iss).build(), NOW)).contains(TokenRejection.WRONG_ISSUER);
        }

        @Test
        void aMissingIssuerIsRejected() {
            assertThat(rule.validate(Tokens.valid().iss(null).build(), NOW)).contains(TokenRejection.WRONG_ISSUER);
        }
    }

    @Nested
    class AudienceContainsRule {
        private final AudienceContains rule = new AudienceContains(Set.of(ISSUER, "https://api.example.com"));

        @Test
        void aSingleMatchingAudiencePasses() {
            assertThat(rule.validate(Tokens.valid().aud(ISSUER).build(), NOW)).isEmpty();
        }

        @Test
        void anyConfiguredAudiencePasses() {
            assertThat(rule.validate(Tokens.valid().aud("https://api.example.com").build(), NOW)).isEmpty();
        }

        @Test
        void oneMatchAmongOthersPasses() {
            assertThat(rule.validate(Tokens.valid().aud("https://other.example.com", "https://api.example.com").build(), NOW))
                    .isEmpty();
        }

        @Test
        void noMatchIsRejected() {
            assertThat(rule.validate(Tokens.valid().aud("https://other.example.com", ISSUER + "/").build(), NOW))
                    .contains(TokenRejection.WRONG_AUDIENCE);
        }

        @Test
        void anEmptyAudienceIsRejected() {
            assertThat(rule.validate(Tokens.valid().aud().build(), NOW)).contains(TokenRejection.WRONG_AUDIENCE);
        }
    }

    @Nested
    class TimeWindowWithoutSkew {
        private final TimeWindow rule = new TimeWindow(Duration.ZERO);

        @Test
        void aTokenBeforeItsExpPasses() {
            assertThat(rule.validate(Tokens.valid().exp(NOW + 1).build(), NOW)).isEmpty();
        }

        @Test
        void aTokenIsExpiredAtItsExpSecond() {
            assertThat(rule.validate(Tokens.valid().exp(NOW).build(), NOW)).contains(TokenRejection.EXPIRED);
        }

        @Test
        void aTokenIsExpiredAfterItsExp() {
            assertThat(rule.validate(Tokens.valid().exp(NOW - 1).build(), NOW)).contains(TokenRejection.EXPIRED);
        }

        @Test
        void iatNowPasses() {
            assertThat(rule.validate(Tokens.valid().iat(NOW).build(), NOW)).isEmpty();
        }

        @Test
        void iatOneSecondInTheFutureIsNotYetValid() {
            assertThat(rule.validate(Tokens.valid().iat(NOW + 1).build(), NOW)).contains(TokenRejection.NOT_YET_VALID);
        }

        @Test
        void nbfNowPasses() {
            assertThat(rule.validate(Tokens.valid().nbf(NOW).build(), NOW)).isEmpty();
        }

        @Test
        void nbfOneSecondInTheFutureIsNotYetValid() {
            assertThat(rule.validate(Tokens.valid().nbf(NOW + 1).build(), NOW)).contains(TokenRejection.NOT_YET_VALID);
        }

        @Test
        void absentIatAndNbfPass() {
            assertThat(rule.validate(Tokens.valid().iat(AccessToken.ABSENT).nbf(AccessToken.ABSENT).build(), NOW)).isEmpty();
        }

        @Test
        void expiryIsReportedBeforeNotYetValid() {
            assertThat(rule.validate(Tokens.valid().exp(NOW - 1).iat(NOW + 100).build(), NOW)).contains(TokenRejection.EXPIRED);
        }
    }

    @Nested
    class TimeWindowWithSkew {
        private final TimeWindow rule = new TimeWindow(Duration.ofSeconds(60));

        @Test
        void aTokenExpiredByLessThanTheSkewPasses() {
            assertThat(rule.validate(Tokens.valid().exp(NOW - 59).build(), NOW)).isEmpty();
        }

        @Test
        void aTokenExpiredByExactlyTheSkewIsExpired() {
            assertThat(rule.validate(Tokens.valid().exp(NOW - 60).build(), NOW)).contains(TokenRejection.EXPIRED);
        }

        @Test
        void iatAheadByExactlyTheSkewPasses() {
            assertThat(rule.validate(Tokens.valid().iat(NOW + 60).build(), NOW)).isEmpty();
        }

        @Test
        void iatAheadByMoreThanTheSkewIsNotYetValid() {
            assertThat(rule.validate(Tokens.valid().iat(NOW + 61).build(), NOW)).contains(TokenRejection.NOT_YET_VALID);
        }

        @Test
        void nbfAheadByExactlyTheSkewPasses() {
            assertThat(rule.validate(Tokens.valid().nbf(NOW + 60).build(), NOW)).isEmpty();
        }

        @Test
        void nbfAheadByMoreThanTheSkewIsNotYetValid() {
            assertThat(rule.validate(Tokens.valid().nbf(NOW + 61).build(), NOW)).contains(TokenRejection.NOT_YET_VALID);
        }

        @Test
        void aSkewWithAFractionOfASecondCountsOnlyItsWholeSeconds() {
            TimeWindow oneAndAHalf = new TimeWindow(Duration.ofMillis(1500));
            assertThat(oneAndAHalf.validate(Tokens.valid().exp(NOW).build(), NOW)).isEmpty();
            assertThat(oneAndAHalf.validate(Tokens.valid().exp(NOW - 1).build(), NOW)).contains(TokenRejection.EXPIRED);
        }
    }

    @Nested
    class UserSubjectRule {
        private final UserSubject rule = new UserSubject();

        @ParameterizedTest
        @ValueSource(strings = {"c5a9c2e4-7d3b-4a45-9a42-0c6f6b5e2d11", "user", "xclient_id_1", "client_id", "Client_id_1"})
        void aUserSubjectPasses(String sub) {
            assertThat(rule.validate(Tokens.valid().sub(sub).build(), NOW)).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"client_id_e0e0b5b0f6a2c3d4", "client_id_", ""})
        void aClientOrEmptySubjectIsNotAUser(String sub) {
            assertThat(rule.validate(Tokens.valid().sub(sub).build(), NOW)).contains(TokenRejection.NOT_A_USER);
        }

        @Test
        void aMissingSubjectIsNotAUser() {
            assertThat(rule.validate(Tokens.valid().sub(null).build(), NOW)).contains(TokenRejection.NOT_A_USER);
        }
    }

    @Nested
    class Chain {
        @Test
        void theFirstFailingRuleDecides() {
            TokenValidators chain = new TokenValidators(List.of(
                    (t, now) -> Optional.empty(),
                    (t, now) -> Optional.of(TokenRejection.WRONG_ISSUER),
                    (t, now) -> Optional.of(TokenRejection.EXPIRED)));
            assertThat(chain.validate(Tokens.valid().build(), NOW)).contains(TokenRejection.WRONG_ISSUER);
        }

        @Test
        void rulesAfterAFailureAreNotRun() {
            AtomicInteger later = new AtomicInteger();
            TokenValidators chain = new TokenValidators(List.of(
                    (t, now) -> Optional.of(TokenRejection.WRONG_TYPE),
                    (t, now) -> {
                        later.incrementAndGet();
                        return Optional.empty();
                    }));
            chain.validate(Tokens.valid().build(), NOW);
            assertThat(later).hasValue(0);
        }

        @Test
        void forConfigChecksTheCheapStructuralRulesFirst() {
            TokenValidators rules = TokenValidators.forConfig(
                    ConfigParser.parseJson("{\"authgear_endpoint\":\"" + ISSUER + "\"}"));
            AccessToken everythingWrong = Tokens.valid().alg("HS256").typ("JWT").exp(NOW - 1).iss("https://evil.example.com")
                    .aud("https://evil.example.com").sub("client_id_1").build();

            assertThat(rules.validate(everythingWrong, NOW)).contains(TokenRejection.ALGORITHM_NOT_ALLOWED);
        }

        @Test
        void forConfigAppliesTheConfiguredAudienceSkewAndAlgorithms() {
            TokenValidators rules = TokenValidators.forConfig(ConfigParser.parseJson("{\"authgear_endpoint\":\"" + ISSUER
                    + "\",\"audience\":\"https://api.example.com\",\"clock_skew_seconds\":30,\"algorithms\":[\"ES256\"]}"));

            assertThat(rules.validate(Tokens.valid().alg("ES256").aud("https://api.example.com").exp(NOW - 29).build(), NOW))
                    .isEmpty();
            assertThat(rules.validate(Tokens.valid().alg("ES256").build(), NOW)).contains(TokenRejection.WRONG_AUDIENCE);
            assertThat(rules.validate(Tokens.valid().aud("https://api.example.com").build(), NOW))
                    .contains(TokenRejection.ALGORITHM_NOT_ALLOWED);
        }

        @Test
        void anEmptyChainPasses() {
            assertThat(new TokenValidators(List.of()).validate(Tokens.valid().build(), NOW)).isEmpty();
        }

        @Test
        void theRulesPassTheNowTheyAreGiven() {
            TokenValidators chain = new TokenValidators(List.of(new TimeWindow(Duration.ZERO)));
            AccessToken token = Tokens.valid().exp(NOW + 10).build();
            assertThat(chain.validate(token, NOW + 9)).isEmpty();
            assertThat(chain.validate(token, NOW + 10)).contains(TokenRejection.EXPIRED);
        }
    }
}
