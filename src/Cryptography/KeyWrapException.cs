using System.Security.Cryptography;

namespace PrivateInference.Cryptography;

/// <summary>A wrapped key could not be unwrapped.</summary>
/// <remarks>
/// The message is fixed and the same for every cause (wrong length, wrong key-encryption key, tampered bytes, RSA-OAEP
/// decoding failure): it never carries key bytes, and it does not say which check failed, so it cannot serve as a
/// padding oracle. No inner exception is attached, for the same reason.
/// </remarks>
public sealed class KeyWrapException : CryptographicException
{
    public KeyWrapException()
        : base("The wrapped key is malformed or failed its integrity check.")
    {
    }
}
