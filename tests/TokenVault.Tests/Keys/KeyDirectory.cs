using System.Security.Cryptography;

namespace PrivateInference.TokenVault.Tests.Keys;

/// <summary>A key directory of the test's own under the temporary folder, not yet created (the provider creates it).</summary>
internal sealed class KeyDirectory : IDisposable
{
    private readonly string _parent;

    public KeyDirectory()
    {
        _parent = Path.Combine(Path.GetTempPath(), $"pi-keys-test-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}");
        Directory.CreateDirectory(_parent);
        Location = Path.Combine(_parent, "keys");
    }

    /// <summary>The key directory itself.</summary>
    public string Location { get; }

    public string FileNamed(string name) => Path.Combine(Location, name);

    public string[] FileNames() => [.. Directory.GetFiles(Location).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    public void Dispose() => Directory.Delete(_parent, recursive: true);
}
