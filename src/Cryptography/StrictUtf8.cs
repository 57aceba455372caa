using System.Buffers;
using System.Text.Unicode;

namespace PrivateInference.Cryptography;

/// <summary>UTF-8 encoding that rejects ill-formed UTF-16 instead of replacing it.</summary>
/// <remarks>
/// Replacement would map two different strings (a lone surrogate, U+FFFD) to the same bytes, and so to the same
/// fingerprint or AAD. The .NET throwing encoder is not used because its exception text quotes the offending
/// character; this exception names the parameter only. Size buffers with <c>Encoding.UTF8.GetByteCount</c>: it is
/// exact for well-formed text, and ill-formed text fails here.
/// </remarks>
internal static class StrictUtf8
{
    /// <summary>Encodes <paramref name="text"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The text contains an unpaired surrogate.</exception>
    public static int Encode(ReadOnlySpan<char> text, Span<byte> destination, string parameterName)
    {
        var status = Utf8.FromUtf16(text, destination, out _, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            throw new ArgumentException("The text is not well-formed UTF-16 (unpaired surrogate).", parameterName);
        }

        return written;
    }
}
