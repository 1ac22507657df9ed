package org.cloudir.core.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.model.ResourceRef;
import org.cloudir.core.model.SeverityBand;
import org.cloudir.core.triage.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GatePolicyTest {
    private static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");

    private static Incident incident(Playbook playbook, SeverityBand band, boolean drill,
            boolean dryRun) {
        ResourceRef resource = ResourceRef.instance("i-0123456789abcdef0");
        Finding finding = new Finding("guardduty", "f-1", "Backdoor:EC2/C&CActivity.B", "t",
                severity(band), "123456789012", "us-east-1", NOW, NOW, 1, drill, resource);
        return new Incident("ir-1", playbook, band, drill, dryRun, resource, finding, NOW);
    }

    private static double severity(SeverityBand band) {
        return switch (band) {
            case LOW -> 2.0;
            case MEDIUM -> 5.0;
            case HIGH -> 8.0;
            case CRITICAL -> 9.5;
        };
    }

    /** Every playbook, band, catalogue mode (or none), drill and dry-run flag. */
    static Stream<Arguments> everyIncident() {
        List<Arguments> all = new ArrayList<>();
        List<Optional<Mode>> modes = List.of(Optional.empty(), Optional.of(Mode.AUTOMATIC),
                Optional.of(Mode.GATED));
        for (Playbook playbook : Playbook.values()) {
            for (SeverityBand band : SeverityBand.values()) {
                for (Optional<Mode> mode : modes) {
                    for (int flags = 0; flags < 4; flags++) {
                        all.add(Arguments.of(playbook, band, mode, (flags & 1) != 0,
                                (flags & 2) != 0));
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("everyIncident")
    void automaticModeOpensEveryGate(Playbook playbook, SeverityBand band,
            Optional<Mode> catalogueMode, boolean drill, boolean dryRun) {
        GateDecision decision = new GatePolicy("automatic")
                .decide(incident(playbook, band, drill, dryRun), catalogueMode);

        assertThat(decision.gates()).containsOnlyKeys(GatePolicy.GATES).doesNotContainValue(true);
        assertThat(decision.responseMode()).isEqualTo("automatic");
        assertThat(decision.mode()).isEqualTo(ApprovalMode.AUTOMATIC);
    }

    @ParameterizedTest
    @MethodSource("everyIncident")
    void gatedModeClosesEveryGate(Playbook playbook, SeverityBand band,
            Optional<Mode> catalogueMode, boolean drill, boolean dryRun) {
        GateDecision decision = new GatePolicy("gated")
                .decide(incident(playbook, band, drill, dryRun), catalogueMode);

        assertThat(decision.gates()).containsOnlyKeys(GatePolicy.GATES)
                .doesNotContainValue(false);
        assertThat(decision.responseMode()).isEqualTo("needs-approval");
    }

    @ParameterizedTest
    @MethodSource("everyIncident")
    void perPlaybookModeAlwaysGatesEradicationAndRecovery(Playbook playbook, SeverityBand band,
            Optional<Mode> catalogueMode, boolean drill, boolean dryRun) {
        GateDecision decision = new GatePolicy("per-playbook")
                .decide(incident(playbook, band, drill, dryRun), catalogueMode);

        assertThat(decision.gated(GatePolicy.ERADICATION)).isTrue();
        assertThat(decision.gated(GatePolicy.RECOVERY)).isTrue();
        assertThat(decision.reasons()).containsOnlyKeys(GatePolicy.GATES);
    }

    @ParameterizedTest
    @MethodSource("everyIncident")
    void perPlaybookContainmentWaitsOnlyForGatedEntriesOrPlaybooksTheMachineCannotRun(
            Playbook playbook, SeverityBand band, Optional<Mode> catalogueMode, boolean drill,
            boolean dryRun) {
        boolean expected = catalogueMode.equals(Optional.of(Mode.GATED)) || !playbook.automated();

        GateDecision decision = new GatePolicy("per-playbook")
                .decide(incident(playbook, band, drill, dryRun), catalogueMode);

        assertThat(decision.gated(GatePolicy.CONTAINMENT)).isEqualTo(expected);
        assertThat(decision.responseMode())
                .isEqualTo(expected ? "needs-approval" : "automatic");
    }

    @Test
    void criticalSeverityDoesNotLiftTheEradicationGate() {
        GateDecision decision = new GatePolicy(null).decide(incident(Playbook.CONTAIN_INSTANCE,
                SeverityBand.CRITICAL, false, false), Optional.of(Mode.AUTOMATIC));

        assertThat(decision.gates()).containsEntry("containment", false)
                .containsEntry("eradication", true).containsEntry("recovery", true);
        assertThat(decision.reasons().get("eradication")).contains("whatever the severity");
    }

    @Test
    void gatedCatalogueEntryProposedAsNotifyOnlyWaitsForAPerson() {
        GateDecision decision = new GatePolicy("per-playbook").decide(
                incident(Playbook.NOTIFY_ONLY, SeverityBand.HIGH, false, false),
                Optional.of(Mode.GATED));

        assertThat(decision.gated("containment")).isTrue();
        assertThat(decision.reasons().get("containment")).contains("catalogue entry is gated");
    }

    @Test
    void manualRunOfAProposedOnlyPlaybookCountsAsGated() {
        GateDecision decision = new GatePolicy("per-playbook").decide(
                incident(Playbook.RESTORE_LOGGING, SeverityBand.HIGH, false, false),
                Optional.empty());

        assertThat(decision.gated("containment")).isTrue();
        assertThat(decision.reasons().get("containment")).contains("restore-logging");
    }

    @Test
    void blankOrMissingModeMeansPerPlaybook() {
        assertThat(new GatePolicy(null).mode()).isEqualTo(ApprovalMode.PER_PLAYBOOK);
        assertThat(new GatePolicy("  ").mode()).isEqualTo(ApprovalMode.PER_PLAYBOOK);
    }

    @Test
    void unknownModeFailsAtConstructionNamingTheVariableAndTheChoices() {
        assertThatThrownBy(() -> new GatePolicy("yolo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("APPROVAL_MODE is 'yolo'")
                .hasMessageContaining("per-playbook, automatic, gated");
    }

    @Test
    void askingForAnUnknownGateNamesTheKnownOnes() {
        GateDecision decision = new GatePolicy("gated").decide(
                incident(Playbook.NOTIFY_ONLY, SeverityBand.LOW, false, false), Optional.empty());

        assertThatThrownBy(() -> decision.gated("lessons"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[containment, eradication, recovery]");
    }
}
