package org.cloudir.eradicate;

import org.cloudir.core.ResponderException;

/**
 * Signals that a destructive eradication step was refused because the evidence it would
 * destroy or change has not been preserved yet (for example volumes without snapshots).
 */
public final class EvidenceMissingException extends ResponderException {
    private static final long serialVersionUID = 1L;

    public EvidenceMissingException(String message) {
        super(message);
    }
}
