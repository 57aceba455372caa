namespace PrivateInference.TokenVault.Keys;

/// <summary>Wraps and unwraps tenant data keys under a key-encryption key that never leaves its provider.</summary>
/// <remarks>
/// Implementations are thread-safe. Every failure is a <see cref="KeyUnavailableException"/>.
/// Byte arrays returned by <see cref="Unwrap"/> hold key material and belong to the caller, who
/// wipes them with <c>CryptographicOperations.ZeroMemory</c> when done.
/// </remarks>
public interface IKekProvider
{
    /// <summary>Checks that the KEK exists and meets policy; generates it inside the provider when <paramref name="create"/> is set.</summary>
    void EnsureKey(KekId kekId, bool create);

    /// <summary>Encrypts <paramref name="plaintextKey"/> under the KEK, authenticating <paramref name="aad"/>.</summary>
    byte[] Wrap(KekId kekId, ReadOnlySpan<byte> plaintextKey, ReadOnlySpan<byte> aad);

    /// <summary>Reverses <see cref="Wrap"/>; fails unless the KEK, the bytes and <paramref name="aad"/> all match.</summary>
    byte[] Unwrap(KekId kekId, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> aad);
}
