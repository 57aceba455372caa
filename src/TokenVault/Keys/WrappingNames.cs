namespace PrivateInference.TokenVault.Keys;

/// <summary>The wire and command-line names of <see cref="ImportWrapping"/> values, as the cloud KMS import flows spell them.</summary>
public static class WrappingNames
{
    public static string Name(ImportWrapping wrapping) => wrapping switch
    {
        ImportWrapping.RsaOaepSha256 => "RSA_OAEP_SHA256",
        ImportWrapping.RsaOaepSha1 => "RSA_OAEP_SHA1",
        ImportWrapping.RsaAesKeyWrapSha256 => "RSA_AES_KEY_WRAP_SHA256",
        ImportWrapping.RsaAesKeyWrapSha1 => "RSA_AES_KEY_WRAP_SHA1",
        _ => wrapping.ToString().ToUpperInvariant(),
    };

    public static bool TryParse(string name, out ImportWrapping wrapping)
    {
        foreach (var candidate in Enum.GetValues<ImportWrapping>())
        {
            if (string.Equals(Name(candidate), name, StringComparison.OrdinalIgnoreCase))
            {
                wrapping = candidate;
                return true;
            }
        }

        wrapping = default;
        return false;
    }
}
