package org.cloudir.local;

/** Reports one fact re-read from the emulator and whether it is what containment requires. */
public record Check(String name, boolean passed, String observed) {
}
