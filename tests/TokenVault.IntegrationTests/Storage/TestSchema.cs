using System.Security.Cryptography;

namespace PrivateInference.TokenVault.IntegrationTests.Storage;

/// <summary>A unique schema name per test class: classes share one database but never each other's tables.</summary>
internal static class TestSchema
{
    public static string NewName(string prefix) =>
        $"it_{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}
