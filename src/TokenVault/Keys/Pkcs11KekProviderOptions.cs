namespace PrivateInference.TokenVault.Keys;

/// <summary>Where the PKCS#11 KEKs live and how to log in.</summary>
/// <remarks>A plain class on purpose: a record's generated <c>ToString()</c> would print the PIN.</remarks>
public sealed class Pkcs11KekProviderOptions
{
    /// <summary>Path of the vendor's PKCS#11 module, e.g. <c>/usr/lib/softhsm/libsofthsm2.so</c>.</summary>
    public required string ModulePath { get; init; }

    /// <summary>Label of the token (partition) holding the KEKs.</summary>
    public required string TokenLabel { get; init; }

    /// <summary>User PIN of the token. Secret: never logged.</summary>
    public required string Pin { get; init; }

    /// <summary>Idle sessions kept open for reuse; more are opened under load and closed on return.</summary>
    public int MaxIdleSessions { get; init; } = 8;

    /// <summary>
    /// Accept an imported KEK whose length the module does not report (<c>CKA_VALUE_LEN</c> 0). Off by default:
    /// such a key is refused as a policy violation, because its length cannot be checked. SoftHSM 2.6 never sets
    /// the length of an unwrapped key (SoftHSMv2 issue #628) and takes 16-byte AES keys, so with this on it
    /// would accept AES-128 key material too. For development and tests against SoftHSM only; HSMs that follow
    /// PKCS#11 set the length on unwrap, and then it is checked whatever this says.
    /// </summary>
    public bool AcceptImportedKeysWithoutReportedLength { get; init; }

    /// <summary>Clock for import key expiry; tests replace it.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
