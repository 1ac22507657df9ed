package org.cloudir.eradicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cloudir.accesskey.SessionDenyPolicy;
import org.cloudir.core.MalformedEventException;
import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void quarantinePolicyNameOfTheLongestIncidentIdFitsIam() {
        String longest = "i".repeat(80);

        assertThat(QuarantinePolicy.name(longest)).hasSizeLessThanOrEqualTo(128);
        assertThat(SessionDenyPolicy.name(longest)).hasSizeLessThanOrEqualTo(128);
    }

    @Test
    void quarantinePolicyNameKeepsARerunSuffix() {
        assertThat(QuarantinePolicy.name("ir-20261204-0123456789abcdef0123-rerun-2"))
                .isEqualTo("ir-quarantine-ir-20261204-0123456789abcdef0123-rerun-2");
    }

    @Test
    void quarantinePolicyIsAnUnconditionalDenyAll() {
        assertThat(QuarantinePolicy.deniesAll(org.cloudir.core.Json.parse(
                QuarantinePolicy.document(), "policy"))).isTrue();
    }

    @Test
    void actionNamesBecomeTheRecordedKeys() {
        assertThat(Recorded.camelCase("isolate-instance")).isEqualTo(Recorded.ISOLATE_INSTANCE);
        assertThat(Recorded.camelCase("disable-access-key"))
                .isEqualTo(Recorded.DISABLE_ACCESS_KEY);
    }

    @Test
    void instanceProfileNameIsTheLastPartOfItsArnAfterAnyPath() {
        assertThat(RevokeInstanceRoleSessionsHandler.profileName(
                "arn:aws:iam::123456789012:instance-profile/web/tier/web-profile"))
                .isEqualTo("web-profile");
        assertThatThrownBy(() -> RevokeInstanceRoleSessionsHandler.profileName(
                "arn:aws:iam::123456789012:role/web"))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("instance-profile");
    }
}
