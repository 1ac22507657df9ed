package org.cloudir.core.notify;

import java.util.Locale;
import org.cloudir.core.model.Incident;

/**
 * Holds one message for people: a subject that fits SNS's 100-character limit and a short
 * summary a responder can act on from a phone.
 */
public record Notification(NotificationKind kind, String incidentId, String subject,
        String message) {
    private static final int SUBJECT_LIMIT = 100;

    /**
     * Builds the notification for an incident.
     *
     * @param detail one or two sentences on what just happened and what to do next
     */
    public static Notification of(NotificationKind kind, Incident incident, String detail) {
        String subject = String.format(Locale.ROOT, "[%s] Incident %s %s: %s",
                incident.severityBand().wireName(), incident.incidentId(), kind.words(),
                incident.finding().type());
        if (subject.length() > SUBJECT_LIMIT) {
            subject = subject.substring(0, SUBJECT_LIMIT - 3) + "...";
        }
        String message = String.format(Locale.ROOT, "Incident %s %s.%n%n"
                        + "Finding: %s, severity %.1f%s%nResource: %s %s%nAccount: %s, %s%n"
                        + "Playbook: %s%s%n%n%s%n",
                incident.incidentId(), kind.words(), incident.finding().type(),
                incident.finding().severity(), incident.drill() ? " (drill)" : "",
                incident.resource().type().wireName(), incident.resource().key(),
                incident.finding().accountId(), incident.finding().region(),
                incident.playbook().wireName(), incident.dryRun() ? " (dry run)" : "", detail);
        return new Notification(kind, incident.incidentId(), subject, message);
    }
}
