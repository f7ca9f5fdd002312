package io.authgate.apisix;

import io.authgate.core.headers.IdentityHeaderNames;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class ContractHeaderSpellingsTest {

    @Test
    void everyContractNameAndTheRetiredAcrInEverySpellingMake88DistinctLowerCaseNames() {
        List<String> all = ContractHeaderSpellings.ALL;

        assertThat(all).hasSize(88).doesNotHaveDuplicates()
                .allSatisfy(name -> {
                    assertThat(name).isEqualTo(name.toLowerCase(Locale.ROOT));
                    assertThat(IdentityHeaderNames.isIdentityHeader(name)).as(name).isTrue();
                });
        // read with '_' as '-', they are exactly the nine names
        assertThat(new HashSet<>(all.stream().map(n -> n.replace('_', '-')).toList())).containsExactlyInAnyOrder(
                IdentityHeaderNames.SESSION_VALID, IdentityHeaderNames.USER_ID, IdentityHeaderNames.USER_ANONYMOUS,
                IdentityHeaderNames.USER_VERIFIED, IdentityHeaderNames.USER_CAN_REAUTHENTICATE,
                IdentityHeaderNames.USER_ROLES, IdentityHeaderNames.SESSION_AMR,
                IdentityHeaderNames.SESSION_AUTHENTICATED_AT, "x-authgear-session-acr");
    }

    @Test
    void aNameWithNDashesHasTwoToTheNSpellings() {
        assertThat(ContractHeaderSpellings.spellings("a-b-c"))
                .containsExactlyInAnyOrder("a-b-c", "a_b-c", "a-b_c", "a_b_c");
        assertThat(ContractHeaderSpellings.spellings("plain")).containsExactly("plain");
        assertThat(ContractHeaderSpellings.ALL).contains("x_authgear-user_id", "x_authgear_user_can_reauthenticate",
                "x-authgear-session_authenticated-at");
    }
}
