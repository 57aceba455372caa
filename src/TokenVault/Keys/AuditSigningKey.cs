namespace PrivateInference.TokenVault.Keys;

/// <summary>One version of the vault's audit signing key as a provider lists it: never the private half.</summary>
/// <param name="Version">1, 2, …: the newest signs; older versions only verify (their private halves are destroyed at rotation).</param>
/// <param name="PublicKey">The public half as SubjectPublicKeyInfo (DER), EC P-256.</param>
public sealed record AuditSigningKey(int Version, byte[] PublicKey);
