package org.cloudir.core.triage;

import java.util.Optional;
import org.cloudir.core.model.Incident;
import org.cloudir.core.model.Playbook;

/**
 * Reports how triage classified one event: the incident to answer (whose playbook is what will
 * run), the catalogue entry that decided it, and the suppression that silenced it, if any.
 *
 * @param entry the catalogue entry's name, or {@link Catalogue#UNLISTED} when none fitted
 * @param proposedPlaybook the entry's playbook; differs from the incident's when the entry is
 *     gated or the finding names no resource the playbook can act on
 */
public record TriageDecision(
        Incident incident,
        String entry,
        Mode mode,
        Playbook proposedPlaybook,
        Optional<Catalogue.Suppression> suppression) {

    public boolean suppressed() {
        return suppression.isPresent();
    }
}
