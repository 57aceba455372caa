namespace PrivateInference.TokenVault.Keys;

/// <summary>The lifecycle state of one KEK version at its provider.</summary>
public enum KekState
{
    /// <summary>Usable for wrapping and unwrapping.</summary>
    Enabled = 1,

    /// <summary>Present but refused for use until enabled again (provider level, reversible).</summary>
    Disabled = 2,

    /// <summary>Key material gone; only the record that it existed remains. Irreversible.</summary>
    Destroyed = 3,
}

/// <summary>Where the key material of a KEK came from.</summary>
public enum KekOrigin
{
    /// <summary>Not known any more (the version was destroyed).</summary>
    Unknown = 0,

    /// <summary>Generated inside the provider.</summary>
    Generated = 1,

    /// <summary>Brought by the customer (BYOK) and unwrapped inside the provider.</summary>
    Imported = 2,
}

/// <summary>What a provider reports about one KEK version, for key inventory and audit. Never key material.</summary>
/// <param name="Id">Name and version.</param>
/// <param name="State">Enabled, disabled or destroyed.</param>
/// <param name="Origin">Generated inside the provider or imported.</param>
/// <param name="KeyLengthBytes">32 for AES-256; null when destroyed or when the provider does not report it
/// (SoftHSM 2.6 records no length for unwrapped keys).</param>
/// <param name="Sensitive">The provider refuses to reveal the key value (PKCS#11 <c>CKA_SENSITIVE</c>).</param>
/// <param name="Extractable">The key can leave the provider, even wrapped (PKCS#11 <c>CKA_EXTRACTABLE</c>).</param>
/// <param name="AlwaysSensitive">Sensitive since creation (<c>CKA_ALWAYS_SENSITIVE</c>); false for imported keys.</param>
/// <param name="NeverExtractable">Never extractable since creation (<c>CKA_NEVER_EXTRACTABLE</c>); false for imported keys.</param>
public sealed record KekInfo(
    KekId Id,
    KekState State,
    KekOrigin Origin,
    int? KeyLengthBytes,
    bool Sensitive,
    bool Extractable,
    bool AlwaysSensitive,
    bool NeverExtractable)
{
    /// <summary>The inventory entry of a destroyed version: no attributes survive it.</summary>
    public static KekInfo DestroyedVersion(KekId id) =>
        new(id, KekState.Destroyed, KekOrigin.Unknown, KeyLengthBytes: null, Sensitive: false, Extractable: false, AlwaysSensitive: false, NeverExtractable: false);
}
