namespace PrivateInference.TokenVault.Keys;

/// <summary>The security attributes of a KEK as the HSM reports them (for key inventory and tests).</summary>
public sealed record KekDescription(
    string Label,
    int KeyLengthBytes,
    bool OnToken,
    bool Sensitive,
    bool Extractable,
    bool AlwaysSensitive,
    bool NeverExtractable,
    bool GeneratedOnToken);
