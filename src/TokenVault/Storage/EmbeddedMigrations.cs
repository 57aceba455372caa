using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace PrivateInference.TokenVault.Storage;

/// <summary>One numbered SQL migration shipped inside this assembly.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the SQL text, recorded when applied so later edits are detected.</summary>
    public byte[] Checksum => SHA256.HashData(Encoding.UTF8.GetBytes(Sql));

    /// <summary>Throws when the checksum recorded at apply time is not this text's: migrations are never edited once applied.</summary>
    internal void CheckUnchanged(byte[] recorded)
    {
        if (!CryptographicOperations.FixedTimeEquals(recorded, Checksum))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Migration {Version:D4}_{Name} changed after it was applied; add a new migration instead."));
        }
    }
}

/// <summary>Reads the numbered <c>NNNN_name.sql</c> files embedded under one logical prefix
/// (<c>Migrations/</c> for PostgreSQL, <c>SqliteMigrations/</c> for SQLite; see TokenVault.csproj).</summary>
internal static partial class EmbeddedMigrations
{
    public static List<Migration> Load(string prefix)
    {
        var assembly = typeof(EmbeddedMigrations).Assembly;
        var migrations = new List<Migration>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            Match match = FileNamePattern().Match(resource[prefix.Length..]);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration file '{resource}' is not named NNNN_lower_snake_case.sql.");
            }

            using Stream stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Migration resource '{resource}' cannot be read.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, NumberStyles.None, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                reader.ReadToEnd()));
        }

        migrations.Sort((left, right) => left.Version.CompareTo(right.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Two migrations share version {migrations[i].Version:D4}."));
            }
        }

        return migrations;
    }

    [GeneratedRegex("^(?<version>[0-9]{4})_(?<name>[a-z0-9_]+)\\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();
}
