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
}
