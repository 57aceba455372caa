using NUnit.Framework;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.Tests.Storage;

/// <summary><c>PI_VAULT_CACHE_ENTRIES</c>: the token cache's bound, read when options are made.</summary>
[NonParallelizable]
public sealed class TokenCacheSettingTests
{
    private string? _saved;

    [SetUp]
    public void Save() => _saved = Environment.GetEnvironmentVariable(VaultOptions.TokenCacheEntriesVariable);

    [TearDown]
    public void Restore() => Environment.SetEnvironmentVariable(VaultOptions.TokenCacheEntriesVariable, _saved);

    [TestCase(null, VaultOptions.DefaultTokenCacheEntries)]
    [TestCase("", VaultOptions.DefaultTokenCacheEntries)]
    [TestCase("0", 0)]
    [TestCase(" 2500 ", 2500)]
    public void The_variable_sets_the_bound_and_its_absence_the_default(string? text, int expected)
    {
        Environment.SetEnvironmentVariable(VaultOptions.TokenCacheEntriesVariable, text);

        Assert.That(new VaultOptions().TokenCacheEntries, Is.EqualTo(expected));
    }

    [TestCase("-1")]
    [TestCase("ten")]
    [TestCase("1e5")]
    [TestCase("99999999999")]
    public void Anything_but_a_whole_number_of_zero_or_more_stops_the_vault_from_starting(string text)
    {
        Environment.SetEnvironmentVariable(VaultOptions.TokenCacheEntriesVariable, text);

        Assert.That(() => new VaultOptions(), Throws.InvalidOperationException.With.Message.Contains(VaultOptions.TokenCacheEntriesVariable));
    }

    [Test]
    public void A_negative_bound_given_in_code_is_refused_when_the_replica_opens()
    {
        using var folder = new KeyDirectory();
        using var kek = new LocalKekProvider(Path.Combine(folder.Location, "kek"));
        var options = new VaultOptions { TokenCacheEntries = -1 };

        Assert.That(() => VaultRuntime.OpenAsync(new SqliteVaultStore(Path.Combine(folder.Location, "vault.db")), kek, options), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
