package org.cloudir.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Checks the state keys that read-incident gives each recorded action. */
class ActionKeyTest {

    @Test
    void actionNamesBecomeTheCamelCaseKeysTheStateMachinesUse() {
        assertThat(ReadIncidentHandler.camelCase("isolate-instance")).isEqualTo("isolateInstance");
        assertThat(ReadIncidentHandler.camelCase("remove-attacker-credentials"))
                .isEqualTo("removeAttackerCredentials");
        assertThat(ReadIncidentHandler.camelCase("snapshot-volumes"))
                .isEqualTo("snapshotVolumes");
    }

    @Test
    void aNameWithoutDashesIsKeptAsItIs() {
        assertThat(ReadIncidentHandler.camelCase("verify")).isEqualTo("verify");
    }
}
