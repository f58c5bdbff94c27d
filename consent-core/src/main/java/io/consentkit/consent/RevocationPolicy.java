package io.consentkit.consent;

/**
 * What a STOP to one sender revokes ({@link Programs#resolve}). A STOPALL ("stop all") always revokes
 * everything, whatever the policy; from the FCC's revoke-all date ({@link Programs#revokeAllFrom()})
 * {@link #SENDER} widens to {@link #ALL} too. Immutable and thread-safe.
 */
public enum RevocationPolicy {
    /**
     * Conservative (the default): a STOP to any sender of a brand revokes every program of that brand.
     * Over-blocks a person who only meant one program, never under-blocks.
     */
    ALL,
    /**
     * A STOP revokes only the programs mapped to the sender it reached (as carriers block per sender
     * number or Messaging Service), until the revoke-all date; a person keeps their other programs.
     */
    SENDER
}
