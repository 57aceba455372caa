using System.Globalization;
using System.Text.RegularExpressions;

namespace PrivateInference.TokenVault.Keys;

/// <summary>Names one version of a key-encryption key held by a <see cref="IKekProvider"/>.</summary>
/// <remarks>
/// Names are restricted to a small ASCII alphabet because they become HSM object labels and audit
/// fields; they identify a key, they are never key material.
/// </remarks>
public readonly partial record struct KekId
{
    public KekId(string name, int version)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException("A KEK name is 1-64 characters of a-z, A-Z, 0-9, '.', '_' or '-'.", nameof(name));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        Name = name;
        Version = version;
    }

    public string Name { get; }

    public int Version { get; }

    /// <summary>The HSM object label: name and version, e.g. <c>tenant-a/v3</c>.</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture, $"{Name}/v{Version}");

    public override string ToString() => Label;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
