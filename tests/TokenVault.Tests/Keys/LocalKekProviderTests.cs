using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.Tests.Keys;

/// <summary>The development-only local provider: wrap format, lifecycle, files and permissions.</summary>
[TestFixture]
public sealed class LocalKekProviderTests
{
    private static readonly byte[] Aad = "tenant-a|dek|v1"u8.ToArray();

    private KeyDirectory _directory = null!;
    private LocalKekProvider _provider = null!;
    private KekId _kek;

    [SetUp]
    public void Create_a_provider_in_an_empty_directory()
    {
        _directory = new KeyDirectory();
        _provider = new LocalKekProvider(_directory.Location);
        _kek = new KekId("tenant-a", 1);
        _provider.Create(_kek);
    }

    [TearDown]
    public void Remove_the_directory()
    {
        _provider.Dispose();
        _directory.Dispose();
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
    public void Wrap_then_unwrap_round_trips_a_32_byte_key()
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        byte[] wrapped = _provider.Wrap(_kek, dataKey, Aad);

        Assert.That(wrapped, Has.Length.EqualTo(12 + 32 + 16));
        Assert.That(CryptographicOperations.FixedTimeEquals(_provider.Unwrap(_kek, wrapped, Aad), dataKey), Is.True);
    }

    [Test]
    public void Wrapping_the_same_key_twice_uses_a_fresh_iv()
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        byte[] first = _provider.Wrap(_kek, dataKey, Aad);
        byte[] second = _provider.Wrap(_kek, dataKey, Aad);

        Assert.That(first.AsSpan(0, 12).SequenceEqual(second.AsSpan(0, 12)), Is.False);
    }

    [Test]
    public void Unwrap_with_different_aad_fails_the_integrity_check()
    {
        byte[] wrapped = _provider.Wrap(_kek, RandomNumberGenerator.GetBytes(32), Aad);

        AssertFails(() => _provider.Unwrap(_kek, wrapped, "tenant-b|dek|v1"u8), KeyUnavailableReason.IntegrityCheckFailed);
    }

    [TestCase(0, TestName = "Unwrap_of_a_tampered_iv_fails_the_integrity_check")]
    [TestCase(12, TestName = "Unwrap_of_tampered_ciphertext_fails_the_integrity_check")]
    [TestCase(59, TestName = "Unwrap_of_a_tampered_tag_fails_the_integrity_check")]
    public void Unwrap_of_tampered_bytes_fails_the_integrity_check(int position)
    {
        byte[] wrapped = _provider.Wrap(_kek, RandomNumberGenerator.GetBytes(32), Aad);
        wrapped[position] ^= 0x01;

        AssertFails(() => _provider.Unwrap(_kek, wrapped, Aad), KeyUnavailableReason.IntegrityCheckFailed);
    }

    [Test]
    public void Unwrap_of_a_truncated_value_fails_the_integrity_check()
    {
        byte[] wrapped = _provider.Wrap(_kek, RandomNumberGenerator.GetBytes(32), Aad);

        AssertFails(() => _provider.Unwrap(_kek, wrapped.AsSpan(0, 28), Aad), KeyUnavailableReason.IntegrityCheckFailed);
    }

    [Test]
    public void Unwrap_under_another_kek_fails_the_integrity_check()
    {
        var other = new KekId("tenant-a", 2);
        _provider.Create(other);
        byte[] wrapped = _provider.Wrap(_kek, RandomNumberGenerator.GetBytes(32), Aad);

        AssertFails(() => _provider.Unwrap(other, wrapped, Aad), KeyUnavailableReason.IntegrityCheckFailed);
    }

    [Test]
    public void A_kek_that_does_not_exist_is_not_found_and_the_message_does_not_name_it()
    {
        var missing = new KekId("tenant-missing", 1);

        var e = Assert.Throws<KeyUnavailableException>(() => _provider.EnsureKey(missing, create: false));

        Assert.That(e!.Reason, Is.EqualTo(KeyUnavailableReason.NotFound));
        Assert.That(e.KekId, Is.EqualTo(missing));
        Assert.That(e.Message, Does.Not.Contain(missing.Name));
        AssertFails(() => _provider.Wrap(missing, new byte[32], Aad), KeyUnavailableReason.NotFound);
    }

    [Test]
    public void Ensure_key_creates_a_missing_kek_once_and_then_reuses_it()
    {
        var kek = new KekId("tenant-b", 1);
        _provider.EnsureKey(kek, create: true);
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped = _provider.Wrap(kek, dataKey, Aad);

        _provider.EnsureKey(kek, create: true);

        Assert.That(CryptographicOperations.FixedTimeEquals(_provider.Unwrap(kek, wrapped, Aad), dataKey), Is.True);
    }

    [Test]
    public void A_generated_kek_is_described_honestly_as_a_file_not_an_hsm_key()
    {
        Assert.That(_provider.Describe(_kek), Is.EqualTo(new KekInfo(_kek, KekState.Enabled, KekOrigin.Generated, KeyLengthBytes: 32,
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

        File.SetUnixFileMode(_directory.FileNamed("tenant-a.v1.key"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        AssertFails(() => _provider.Wrap(_kek, new byte[32], Aad), KeyUnavailableReason.PolicyViolation);
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
    public void Create_of_an_existing_kek_is_already_exists()
    {
        AssertFails(() => _provider.Create(_kek), KeyUnavailableReason.AlreadyExists);
    }

    [Test]
    public void List_returns_every_version_of_the_name_in_order_destroyed_ones_included()
    {
        _provider.Create(new KekId("tenant-a", 3));
        _provider.Create(new KekId("tenant-a", 2));
        _provider.Create(new KekId("tenant-a-other", 1));
        _provider.Create(new KekId("tenant-a.v1", 1));
        _provider.Destroy(new KekId("tenant-a", 2));

        IReadOnlyList<KekInfo> versions = _provider.List("tenant-a");

        Assert.That(versions.Select(v => v.Id.Version), Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(versions.Select(v => v.State), Is.EqualTo(new[] { KekState.Enabled, KekState.Destroyed, KekState.Enabled }));
        Assert.That(_provider.List("tenant-unknown"), Is.Empty);
    }

    [Test]
    public void A_disabled_kek_refuses_wrap_and_unwrap_until_it_is_enabled_again()
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped = _provider.Wrap(_kek, dataKey, Aad);

        _provider.Disable(_kek);

        Assert.Multiple(() =>
        {
            AssertFails(() => _provider.Wrap(_kek, dataKey, Aad), KeyUnavailableReason.Disabled);
            AssertFails(() => _provider.Unwrap(_kek, wrapped, Aad), KeyUnavailableReason.Disabled);
            AssertFails(() => _provider.EnsureKey(_kek, create: true), KeyUnavailableReason.Disabled);
            AssertFails(() => _provider.Create(_kek), KeyUnavailableReason.AlreadyExists);
            Assert.That(_provider.Describe(_kek).State, Is.EqualTo(KekState.Disabled));
        });

        _provider.Enable(_kek);

        Assert.That(CryptographicOperations.FixedTimeEquals(_provider.Unwrap(_kek, wrapped, Aad), dataKey), Is.True);
    }

    [Test]
    public void Disable_and_enable_are_idempotent_and_unknown_keks_are_not_found()
    {
        _provider.Disable(_kek);
        _provider.Disable(_kek);
        Assert.That(_provider.Describe(_kek).State, Is.EqualTo(KekState.Disabled));
        _provider.Enable(_kek);
        _provider.Enable(_kek);
        Assert.That(_provider.Describe(_kek).State, Is.EqualTo(KekState.Enabled));

        AssertFails(() => _provider.Disable(new KekId("tenant-missing", 1)), KeyUnavailableReason.NotFound);
    }

    [Test]
    public void Disable_and_destroy_by_another_instance_take_effect_at_once()
    {
        using var other = new LocalKekProvider(_directory.Location);
        byte[] wrapped = _provider.Wrap(_kek, RandomNumberGenerator.GetBytes(32), Aad);

        other.Disable(_kek);
        AssertFails(() => _provider.Unwrap(_kek, wrapped, Aad), KeyUnavailableReason.Disabled);

        other.Destroy(_kek);
        AssertFails(() => _provider.Unwrap(_kek, wrapped, Aad), KeyUnavailableReason.Destroyed);
    }

    [Test]
    public void A_destroyed_kek_reads_as_destroyed_everywhere_and_is_never_created_again()
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);
        byte[] wrapped = _provider.Wrap(_kek, dataKey, Aad);

        _provider.Destroy(_kek);

        Assert.Multiple(() =>
        {
            AssertFails(() => _provider.Unwrap(_kek, wrapped, Aad), KeyUnavailableReason.Destroyed);
            AssertFails(() => _provider.Wrap(_kek, dataKey, Aad), KeyUnavailableReason.Destroyed);
            AssertFails(() => _provider.EnsureKey(_kek, create: true), KeyUnavailableReason.Destroyed);
            AssertFails(() => _provider.Create(_kek), KeyUnavailableReason.Destroyed);
            AssertFails(() => _provider.Enable(_kek), KeyUnavailableReason.Destroyed);
            Assert.That(_provider.Describe(_kek), Is.EqualTo(KekInfo.DestroyedVersion(_kek)));
        });
    }

    [Test]
    public void Destroy_leaves_a_tombstone_without_key_material()
    {
        _provider.Disable(_kek);

        _provider.Destroy(_kek);

        Assert.That(_directory.FileNames(), Is.EqualTo(new[] { ".lock", "DEVELOPMENT-ONLY-KEYS.txt", "tenant-a.v1.destroyed" }));
        // Magic, kind, origin and time: 18 bytes, no key.
        Assert.That(new FileInfo(_directory.FileNamed("tenant-a.v1.destroyed")).Length, Is.EqualTo(18));
    }

    [Test]
    public void Destroy_is_idempotent_and_destroy_of_an_unknown_kek_is_not_found()
    {
        _provider.Destroy(_kek);
        _provider.Destroy(_kek);

        AssertFails(() => _provider.Destroy(new KekId("tenant-missing", 1)), KeyUnavailableReason.NotFound);
    }

    [Test]
    public void Describe_of_a_kek_that_never_existed_is_not_found()
    {
        AssertFails(() => _provider.Describe(new KekId("tenant-missing", 1)), KeyUnavailableReason.NotFound);
    }

    [Test]
    public void Concurrent_creates_of_one_version_make_exactly_one_key()
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

    private static void AssertFails(TestDelegate action, KeyUnavailableReason reason)
    {
        var e = Assert.Throws<KeyUnavailableException>(action);
        Assert.That(e!.Reason, Is.EqualTo(reason));
    }
}
