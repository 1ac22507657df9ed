package org.cloudir.accesskey;

import org.cloudir.core.ResponderException;

/**
 * Signals a finding about the account's root credentials: never contained automatically,
 * because cutting root access can lock the owners out; a human must act now.
 */
public final class RootCredentialsException extends ResponderException {
    private static final long serialVersionUID = 1L;

    public RootCredentialsException(String message) {
        super(message);
    }

    /** Throws when the principal is the root user, naming the incident to escalate. */
    public static void refuseRoot(String userName, String incidentId) {
        if ("root".equalsIgnoreCase(userName.trim())) {
            throw new RootCredentialsException("ESCALATE NOW: incident " + incidentId
                    + " is about the account's root credentials;"
                    + " the responder never acts on root automatically. Sign in as root,"
                    + " rotate its password and access keys, check its MFA, and review"
                    + " CloudTrail for its recent calls");
        }
    }
}
