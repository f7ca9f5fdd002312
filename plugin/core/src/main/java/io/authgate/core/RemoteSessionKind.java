package io.authgate.core;

/** What Authgear's resolver said of a credential: the vocabulary of {@link AuthgateEvents#resolverCalled}. */
public enum RemoteSessionKind {
    /** {@code Session-Valid: true} with a user: the credential resolved. */
    VALID,
    /** {@code Session-Valid: false} (user disabled, IdP session gone), or headers that do not make a session. */
    INVALID,
    /** No identity header: the credential did not resolve. */
    NONE
}
