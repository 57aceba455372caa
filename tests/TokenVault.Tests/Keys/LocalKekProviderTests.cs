using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.Tests.Keys;

/// <summary>The development-only local provider: the provider contract, plus its files and permissions.</summary>
[TestFixture]
public sealed class LocalKekProviderTests : KekProviderContract
{
    private static readonly byte[] Aad = "tenant-a|dek|v1"u8.ToArray();

    private KeyDirectory _directory = null!;
    private LocalKekProvider _provider = null!;

    protected override IKekProvider Provider => _provider;

    [SetUp]
    public void Create_a_provider_in_an_empty_directory()
    {
        _directory = new KeyDirectory();
        _provider = new LocalKekProvider(_directory.Location);
    }

    [TearDown]
    public void Remove_the_directory()
    {
        _provider.Dispose();
        _directory.Dispose();
    }

    [Test]
    public void A_rotated_audit_signing_key_shreds_the_older_private_key_file_and_keeps_its_public_key()
    {
        _provider.GetAuditSigningKeys();
        Assert.That(File.Exists(_directory.FileNamed("audit-signing-development-only.p8")), Is.True, "version 1 keeps the name it had before versions");

        Assert.That(_provider.RotateAuditSigningKey(), Is.EqualTo(2));

        Assert.That(File.Exists(_directory.FileNamed("audit-signing-development-only.p8")), Is.False, "retired: no private key left");
        Assert.That(File.Exists(_directory.FileNamed("audit-signing.v1.spki")), Is.True);
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(_directory.FileNamed("audit-signing-development-only.v2.p8")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        Assert.That(new LocalKekProvider(_directory.Location).GetAuditSigningKeys().Select(k => k.Version), Is.EqualTo(new[] { 1, 2 }), "another process reads the same versions");
    }

    [Test]
    public void The_local_provider_says_it_is_for_development_only_and_so_does_its_directory()
    {
        Assert.That(_provider.IsDevelopmentOnly, Is.True);
        Assert.That(_provider.Kind, Is.EqualTo("local"));
        Assert.That(LocalKekProvider.Warning, Does.StartWith("DEVELOPMENT ONLY"));
        Assert.That(File.ReadAllText(_directory.FileNamed("DEVELOPMENT-ONLY-KEYS.txt")), Does.Contain(LocalKekProvider.Warning));
    }

    [Test]
    public void A_generated_kek_is_described_honestly_as_a_file_not_an_hsm_key()
    {
        KekId kek = NewKek();

        Assert.That(_provider.Describe(kek), Is.EqualTo(new KekInfo(kek, KekState.Enabled, KekOrigin.Generated, KeyLengthBytes: 32,
            Sensitive: false, Extractable: true, AlwaysSensitive: false, NeverExtractable: false)));
    }

    [Test]
    public void Key_files_are_0600_in_a_0700_directory()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }

        _provider.Create(new KekId("tenant-a", 1));

        Assert.That(File.GetUnixFileMode(_directory.Location), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(File.GetUnixFileMode(_directory.FileNamed("tenant-a.v1.key")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void A_key_file_others_can_read_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }

        var kek = new KekId("tenant-a", 1);
        _provider.Create(kek);
        File.SetUnixFileMode(_directory.FileNamed("tenant-a.v1.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        AssertFails(() => _provider.Wrap(kek, new byte[32], Aad), KeyUnavailableReason.PolicyViolation);
    }

    [Test]
    public void A_key_directory_others_can_write_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }

        File.SetUnixFileMode(_directory.Location, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherWrite);

        Assert.That(() => new LocalKekProvider(_directory.Location), Throws.InvalidOperationException);
    }

    [Test]
    public void Disable_and_destroy_by_another_instance_take_effect_at_once()
    {
        KekId kek = NewKek();
        using var other = new LocalKekProvider(_directory.Location);
        byte[] wrapped = _provider.Wrap(kek, RandomNumberGenerator.GetBytes(32), Aad);

        other.Disable(kek);
        AssertFails(() => _provider.Unwrap(kek, wrapped, Aad), KeyUnavailableReason.Disabled);

        other.Destroy(kek);
        AssertFails(() => _provider.Unwrap(kek, wrapped, Aad), KeyUnavailableReason.Destroyed);
    }

    [Test]
    public void Destroy_leaves_a_tombstone_without_key_material()
    {
        var kek = new KekId("tenant-a", 1);
        _provider.Create(kek);
        _provider.Disable(kek);

        _provider.Destroy(kek);

        Assert.That(_directory.FileNames(), Is.EqualTo(new[] { ".lock", "DEVELOPMENT-ONLY-KEYS.txt", "tenant-a.v1.destroyed" }));
        // Magic, kind, origin and time: 18 bytes, no key.
        Assert.That(new FileInfo(_directory.FileNamed("tenant-a.v1.destroyed")).Length, Is.EqualTo(18));
    }

    [Test]
    public void Concurrent_creates_of_one_version_by_two_instances_make_exactly_one_key()
    {
        var kek = new KekId("tenant-race", 1);
        using var other = new LocalKekProvider(_directory.Location);
        var created = 0;
        var refused = 0;

        Parallel.For(0, 16, i =>
        {
            try
            {
                (i % 2 == 0 ? _provider : other).Create(kek);
                Interlocked.Increment(ref created);
            }
            catch (KeyUnavailableException e) when (e.Reason == KeyUnavailableReason.AlreadyExists)
            {
                Interlocked.Increment(ref refused);
            }
        });

        Assert.That((created, refused), Is.EqualTo((1, 15)));
    }

    protected override string NewName() => $"tenant-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}
