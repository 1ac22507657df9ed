package org.cloudir.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cloudir.core.evidence.ActivityTrail;
import org.cloudir.core.evidence.EvidenceItem;
import org.cloudir.core.evidence.Manifest;
import org.cloudir.core.model.Finding;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;
import org.cloudir.core.model.ResourceRef;
import org.cloudir.core.model.SeverityBand;
import org.cloudir.core.notify.Notification;
import org.cloudir.core.notify.NotificationKind;
import org.junit.jupiter.api.Test;

class ReportBuilderTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final ResourceRef INSTANCE = ResourceRef.instance("i-0123456789abcdef0");

    @Test
    void timelineRunsFromActivityToReportInTimeOrder() {
        IncidentReport report = ReportBuilder.build(input("CONTAINED", List.of(
                action("isolate-instance", 40), action("snapshot-volumes", 30))));

        assertThat(report.timeline()).extracting(TimelineEntry::label).containsExactly(
                "Activity first seen", "Finding reported", "Triaged", "Evidence collected",
                "Action snapshot-volumes", "Action isolate-instance", "Contained",
                "Report written");
        assertThat(report.timeline()).extracting(TimelineEntry::at).isSorted();
    }

    @Test
    void timesAreMeasuredFromTheFindingReport() {
        IncidentReport report = ReportBuilder.build(input("CONTAINED", List.of(
                action("snapshot-volumes", 30))));

        assertThat(report.times().timeToTriageSeconds()).isEqualTo(10.0);
        assertThat(report.times().timeToContainSeconds()).isEqualTo(31.0);
        assertThat(report.times().timeToRecoverSeconds()).isNull();
    }

    @Test
    void failedIncidentIsNeitherContainedNorTimedAsContained() {
        IncidentReport report = ReportBuilder.build(input("FAILED", List.of()));

        assertThat(report.times().contained()).isNull();
        assertThat(report.timeline()).extracting(TimelineEntry::kind)
                .doesNotContain("containment");
        assertThat(report.summary()).contains("Containment failed");
    }

    @Test
    void openIngressBeforeContainmentBecomesARootCauseHint() {
        ReportInput base = input("CONTAINED", List.of());
        ReportInput exposed = new ReportInput(base.incident(), base.status(), base.findingIds(),
                base.actions(), base.failures(), base.manifest(), base.activity(),
                List.of("tcp 22-22 from 0.0.0.0/0 in sg-1"), base.evidenceCollectedAt(),
                base.now());

        IncidentReport report = ReportBuilder.build(exposed);

        assertThat(report.rootCauseHints()).anySatisfy(hint ->
                assertThat(hint).contains("tcp 22-22 from 0.0.0.0/0 in sg-1"));
    }

    @Test
    void missingApiActivityBecomesALessonAndAFollowUp() {
        IncidentReport report = ReportBuilder.build(input("CONTAINED", List.of()));

        assertThat(report.lessons()).anySatisfy(lesson ->
                assertThat(lesson).contains("not available here"));
        assertThat(report.followUps()).anySatisfy(followUp ->
                assertThat(followUp).startsWith("Search CloudTrail by hand"));
    }

    @Test
    void markdownNamesEveryEvidenceObjectWithItsHash() {
        IncidentReport report = ReportBuilder.build(input("CONTAINED", List.of(
                action("snapshot-volumes", 30))));

        String markdown = MarkdownReport.render(report, "timeline.svg");

        assertThat(markdown).contains("`incidents/ir-1/finding.json`", "`" + "a".repeat(64)
                + "`", "![timeline](timeline.svg)", "verified: re-read");
    }

    @Test
    void svgNumbersTheStepsInTimelineOrderAndEscapesText() {
        IncidentReport report = ReportBuilder.build(input("CONTAINED", List.of(
                action("snapshot-volumes", 30))));

        String svg = TimelineSvg.render(report);

        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")
                .contains("1. Activity first seen", "5. Action snapshot-volumes",
                        "C&amp;CActivity")
                .doesNotContain("C&CActivity");
        assertThat(svg.indexOf("4. Evidence collected"))
                .isLessThan(svg.indexOf("5. Action snapshot-volumes"));
    }

    @Test
    void notificationSubjectFitsTheSnsLimit() {
        Incident incident = incident();

        Notification notification = Notification.of(NotificationKind.APPROVAL_NEEDED, incident,
                "x".repeat(300));

        assertThat(notification.subject()).hasSizeLessThanOrEqualTo(100)
                .startsWith("[High] Incident ir-1 approval needed");
        assertThat(notification.message()).contains("Resource: Instance i-0123456789abcdef0");
    }

    private static ReportInput input(String status, List<ReportAction> actions) {
        Manifest manifest = Manifest.empty("ir-1", "evidence", T0).with(new EvidenceItem(
                "incidents/ir-1/finding.json", "finding", "a".repeat(64), 10, "v1",
                T0.plusSeconds(20)), T0.plusSeconds(20));
        return new ReportInput(incident(), status, List.of("f-1"), actions, status.equals(
                "FAILED") ? List.of(new ReportFailure("Boom", "it broke", T0.plusSeconds(50)))
                        : List.of(), manifest,
                ActivityTrail.unavailable("none", "not available here"), List.of(),
                Optional.of(T0.plusSeconds(20)), T0.plusSeconds(60));
    }

    private static ReportAction action(String name, int startSecond) {
        return new ReportAction(name, "automation", "i-0123456789abcdef0", "DONE", "done",
                T0.plusSeconds(startSecond), T0.plusSeconds(startSecond + 1),
                List.of("re-read"), Map.of());
    }

    private static Incident incident() {
        Finding finding = new Finding("guardduty", "f-1", "Backdoor:EC2/C&CActivity.B", "t",
                8.0, "123456789012", "us-east-1", T0.minusSeconds(600), T0, 1, false, INSTANCE);
        return new Incident("ir-1", Playbook.CONTAIN_INSTANCE, SeverityBand.HIGH, false, false,
                INSTANCE, finding, T0.plusSeconds(10));
    }
}
