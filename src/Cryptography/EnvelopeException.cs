using System.Security.Cryptography;

namespace PrivateInference.Cryptography;

/// <summary>A value envelope could not be read or opened.</summary>
/// <remarks>
/// The message is fixed and the same for every cause (short frame, unknown format, failed authentication, wrong key,
/// wrong AAD): it never carries plaintext, key bytes, AAD or the frame, and it does not tell an attacker which part of
/// a forged frame was wrong. No inner exception is attached, for the same reason.
/// </remarks>
public sealed class EnvelopeException : CryptographicException
{
    public EnvelopeException()
        : base("The value envelope is malformed or failed authentication.")
    {
    }
}
