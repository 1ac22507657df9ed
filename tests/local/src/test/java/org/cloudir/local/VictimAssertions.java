package org.cloudir.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/** Asserts, from the emulator's own state, that a victim is exactly as the seeder left it. */
final class VictimAssertions {
    private VictimAssertions() {
    }

    /**
     * Asserts that the instance was not touched: no snapshot of its volumes, every network
     * interface and the instance still in the web group only, no isolation group in its VPC, no
     * responder tags on its interfaces, and termination protection still off.
     */
    static void assertInstanceUntouched(EmulatorState state, Victim victim) {
        assertThat(state.snapshotsOfVolumes(victim.volumeIds()))
                .as("snapshots of the victim's volumes").isEmpty();
        assertThat(state.interfaceGroups(victim.instanceId()))
                .as("groups of each network interface")
                .isNotEmpty()
                .allSatisfy((eni, groups) -> assertThat(groups)
                        .isEqualTo(List.of(victim.groupId())));
        assertThat(state.instanceGroups(victim.instanceId()))
                .as("groups the instance reports").containsExactly(victim.groupId());
        assertThat(state.isolationGroup(victim.vpcId()))
                .as("isolation group of the victim's VPC").isEmpty();
        for (String eni : state.interfaceGroups(victim.instanceId()).keySet()) {
            assertThat(state.interfaceTags(eni).keySet())
                    .as("tags of " + eni).noneMatch(key -> key.startsWith("ir:"));
        }
        assertThat(state.terminationProtected(victim.instanceId()))
                .as("termination protection").isFalse();
    }

    /** Asserts that every access key of the victim's user is still Active. */
    static void assertKeysUntouched(EmulatorState state, Victim victim) {
        assertThat(state.keyStatuses(victim.userName()))
                .as("access keys of " + victim.userName())
                .isNotEmpty()
                .allSatisfy((key, status) -> assertThat(status).isEqualTo("Active"));
    }
}
