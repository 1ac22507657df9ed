package org.cloudir.core.notify;

/** Names the moments of an incident that people are told about. */
public enum NotificationKind {
    OPENED("opened"),
    CONTAINED("contained"),
    CONTAINMENT_FAILED("containment failed"),
    APPROVAL_NEEDED("approval needed"),
    CLOSED("closed");

    private final String words;

    NotificationKind(String words) {
        this.words = words;
    }

    public String words() {
        return words;
    }
}
