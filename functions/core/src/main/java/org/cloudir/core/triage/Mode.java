package org.cloudir.core.triage;

import com.fasterxml.jackson.annotation.JsonValue;

/** Tells whether a catalogue entry's playbook runs by itself or waits for a person. */
public enum Mode {
    /** The playbook runs as soon as triage has classified the finding. */
    AUTOMATIC("automatic"),
    /** The playbook is only proposed: the incident is recorded and a person decides. */
    GATED("gated");

    private final String wireName;

    Mode(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
