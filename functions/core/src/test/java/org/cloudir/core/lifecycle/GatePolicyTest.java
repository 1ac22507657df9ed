package org.cloudir.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import org.cloudir.core.blast.BlastRadius;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.model.ResourceRef;
import org.cloudir.core.model.SeverityBand;
import org.junit.jupiter.api.Test;

class GatePolicyTest {
    private static final GatePolicy PER_PLAYBOOK = new GatePolicy(ApprovalMode.PER_PLAYBOOK, 60);

    @Test
    void automaticPlaybookAtHighSeverityContainsWithoutWaiting() {
        PhasePlan plan = PER_PLAYBOOK.plan(Phase.CONTAINMENT,
                incident(Playbook.CONTAIN_INSTANCE, 8.0, false), Optional.empty(),
                Optional.of(new BlastRadius.Decision(true, "within limits")));

        assertThat(plan.gates()).containsEntry("containment", false)
                .containsEntry("subnetQuarantine", true)
                .containsEntry("eradication", true).containsEntry("recovery", true);
        assertThat(plan.playbook()).isEqualTo("contain-instance");
        assertThat(plan.approvalTimeoutSeconds()).isEqualTo(60);
    }

    @Test
    void criticalSeverityStillWaitsBeforeEradication() {
        PhasePlan plan = PER_PLAYBOOK.plan(Phase.ERADICATION,
                incident(Playbook.DISABLE_ACCESS_KEY, 9.5, false), Optional.empty(),
                Optional.empty());

        assertThat(plan.gates()).containsEntry("eradication", true);
    }

    @Test
    void lowSeverityWaitsBeforeContainment() {
        PhasePlan plan = PER_PLAYBOOK.plan(Phase.CONTAINMENT,
                incident(Playbook.CONTAIN_INSTANCE, 2.0, false), Optional.empty(),
                Optional.empty());

        assertThat(plan.gates()).containsEntry("containment", true);
        assertThat(plan.reasons()).anyMatch(reason -> reason.contains("low severity"));
    }

    @Test
    void blastRadiusReachedWaitsBeforeContainment() {
        PhasePlan plan = PER_PLAYBOOK.plan(Phase.CONTAINMENT,
                incident(Playbook.CONTAIN_INSTANCE, 8.0, false), Optional.empty(),
                Optional.of(new BlastRadius.Decision(false, "21 resources in the last hour")));

        assertThat(plan.gates()).containsEntry("containment", true);
        assertThat(plan.reasons()).anyMatch(reason -> reason.contains("21 resources"));
    }

    @Test
    void gatedCatalogueEntryAdoptsTheProposedPlaybookBehindTheGate() {
        PhasePlan plan = PER_PLAYBOOK.plan(Phase.CONTAINMENT,
                incident(Playbook.NOTIFY_ONLY, 8.0, false),
                Optional.of(Playbook.BLOCK_S3_PUBLIC_ACCESS), Optional.empty());

        assertThat(plan.playbook()).isEqualTo("block-s3-public-access");
        assertThat(plan.gates()).containsEntry("containment", true);
    }

    @Test
    void playbookWithoutAnActionHasNothingToApprove() {
        PhasePlan plan = PER_PLAYBOOK.plan(Phase.CONTAINMENT,
                incident(Playbook.NOTIFY_ONLY, 8.0, false),
                Optional.of(Playbook.REVIEW_PRINCIPAL), Optional.empty());

        assertThat(plan.gates()).containsEntry("containment", false);
    }

    @Test
    void automaticModeOpensNoGate() {
        PhasePlan plan = new GatePolicy(ApprovalMode.AUTOMATIC, 60).plan(Phase.RECOVERY,
                incident(Playbook.NOTIFY_ONLY, 2.0, false),
                Optional.of(Playbook.REVOKE_OPEN_INGRESS), Optional.empty());

        assertThat(plan.gates()).containsOnlyKeys("containment", "subnetQuarantine",
                "eradication", "recovery")
                .doesNotContainValue(true);
        assertThat(plan.playbook()).isEqualTo("revoke-open-ingress");
    }

    @Test
    void gatedModeGatesEvenAutomaticContainment() {
        PhasePlan plan = new GatePolicy(ApprovalMode.GATED, 60).plan(Phase.CONTAINMENT,
                incident(Playbook.CONTAIN_INSTANCE, 9.0, false), Optional.empty(),
                Optional.of(new BlastRadius.Decision(true, "within limits")));

        assertThat(plan.gates()).doesNotContainValue(false);
    }

    @Test
    void dryRunWaitsForNobody() {
        PhasePlan plan = new GatePolicy(ApprovalMode.GATED, 60).plan(Phase.ERADICATION,
                incident(Playbook.CONTAIN_INSTANCE, 9.0, true), Optional.empty(),
                Optional.empty());

        assertThat(plan.gates()).doesNotContainValue(true);
        assertThat(plan.reasons()).containsExactly(
                "dry run: nothing is changed, so nothing waits for approval");
    }

    @Test
    void unknownModeIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> ApprovalMode.fromWireName("sometimes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("APPROVAL_MODE is 'sometimes'");
    }

    @Test
    void timeoutBelowOneSecondIsRefused() {
        assertThatThrownBy(() -> new GatePolicy(ApprovalMode.PER_PLAYBOOK, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("approvalTimeoutSeconds");
    }

    private static Incident incident(Playbook playbook, double severity, boolean dryRun) {
        Instant now = Instant.parse("2026-12-04T10:00:00Z");
        ResourceRef resource = ResourceRef.instance("i-0123456789abcdef0");
        Finding finding = new Finding("guardduty", "f-1", "Backdoor:EC2/C&CActivity.B", "t",
                severity, "123456789012", "us-east-1", now, now, 1, false, resource);
        return new Incident("ir-20261204-0123456789abcdef0123", playbook,
                SeverityBand.of(severity), false, dryRun, resource, finding, now);
    }
}
