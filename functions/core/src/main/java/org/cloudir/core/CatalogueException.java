package org.cloudir.core;

/** Signals a playbook catalogue that cannot be used, naming the entry and field at fault. */
public final class CatalogueException extends ResponderException {
    private static final long serialVersionUID = 1L;

    public CatalogueException(String message) {
        super(message);
    }

    public CatalogueException(String message, Throwable cause) {
        super(message, cause);
    }
}
