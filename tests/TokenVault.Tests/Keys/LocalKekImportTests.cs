using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.Tests.Keys;

/// <summary>BYOK into the local provider: the customer wraps known key bytes with .NET's RSA (and AES-KWP), and the
/// imported KEK is shown to be exactly the customer's key.</summary>
/// <remarks>Each test makes RSA-3072 import keys (about a second each here), so tests run side by side, each with a
/// fixture instance and key directory of its own.</remarks>
[TestFixture]
[Parallelizable(ParallelScope.All)]
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class LocalKekImportTests : IDisposable
{
    private static readonly ImportWrapping[] AllWrappings = Enum.GetValues<ImportWrapping>();

    private readonly ManualClock _clock = new();
    private KeyDirectory _directory = null!;
    private LocalKekProvider _provider = null!;

    [SetUp]
    public void Create_a_provider_in_an_empty_directory()
    {
        _clock.Now = new DateTimeOffset(2031, 3, 14, 9, 26, 53, TimeSpan.Zero);
        _directory = new KeyDirectory();
        _provider = new LocalKekProvider(_directory.Location, _clock);
    }

    /// <summary>NUnit disposes each test's fixture instance after the test.</summary>
    public void Dispose()
    {
        _provider.Dispose();
        _directory.Dispose();
    }

    [Test]
    public void The_import_key_is_an_rsa_3072_public_key_for_one_name_that_expires_after_24_hours()
    {
        ImportPublicKey importKey = _provider.GetImportPublicKey("tenant-a");

        using var rsa = RSA.Create();
        rsa.ImportFromPem(importKey.Pem);
        Assert.Multiple(() =>
        {
            Assert.That(rsa.KeySize, Is.EqualTo(3072));
            Assert.That(rsa.ExportSubjectPublicKeyInfo(), Is.EqualTo(importKey.SubjectPublicKeyInfo.ToArray()));
            Assert.That(importKey.KekName, Is.EqualTo("tenant-a"));
            Assert.That(importKey.ExpiresAt, Is.EqualTo(_clock.Now.AddHours(24)));
            Assert.That(importKey.Wrappings, Is.EqualTo(AllWrappings));
        });
    }

    [Test]
    public void The_import_private_key_file_is_0600()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
            return;
        }

        ImportPublicKey importKey = _provider.GetImportPublicKey("tenant-a");

        string file = _directory.FileNamed($"tenant-a.import.{importKey.Id}.rsa");

        Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [TestCaseSource(nameof(AllWrappings))]
    public void An_imported_kek_unwraps_a_data_key_sealed_in_software_with_the_customers_bytes(ImportWrapping wrapping)
    {
        var kek = new KekId("tenant-a", 1);

        Import(kek, Customer.KnownKek(), wrapping);

        Assert.That(_provider.Unwrap(kek, Customer.KnownWrappedDataKey, Customer.KnownAad), Is.EqualTo(Customer.KnownDataKey()));
    }

    [TestCaseSource(nameof(AllWrappings))]
    public void Data_keys_an_imported_kek_wraps_open_in_software_with_the_customers_bytes(ImportWrapping wrapping)
    {
        var kek = new KekId("tenant-a", 1);
        Import(kek, Customer.KnownKek(), wrapping);
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        byte[] wrapped = _provider.Wrap(kek, dataKey, Customer.KnownAad);

        Assert.That(Customer.Open(Customer.KnownKek(), wrapped, Customer.KnownAad), Is.EqualTo(dataKey));
    }

    [Test]
    public void An_imported_kek_is_described_as_imported()
    {
        var kek = new KekId("tenant-a", 1);

        Import(kek, Customer.KnownKek(), ImportWrapping.RsaOaepSha256);

        KekInfo info = _provider.Describe(kek);
        Assert.That((info.State, info.Origin, info.KeyLengthBytes), Is.EqualTo((KekState.Enabled, KekOrigin.Imported, (int?)32)));
    }

    [Test]
    public void An_import_key_imports_once_and_its_file_is_gone_afterwards()
    {
        ImportPublicKey importKey = _provider.GetImportPublicKey("tenant-a");
        _provider.Import(new KekId("tenant-a", 1), importKey.Id, Customer.WrapForImport(importKey, Customer.KnownKek(), ImportWrapping.RsaOaepSha256), ImportWrapping.RsaOaepSha256);

        byte[] again = Customer.WrapForImport(importKey, RandomNumberGenerator.GetBytes(32), ImportWrapping.RsaOaepSha256);

        AssertImportFails(new KekId("tenant-a", 2), importKey.Id, again, ImportWrapping.RsaOaepSha256, KeyUnavailableReason.NotFound);
        Assert.That(_directory.FileNames(), Has.None.EndsWith(".rsa"));
    }

    [Test]
    public void An_import_key_only_imports_into_the_name_it_was_made_for()
    {
        ImportPublicKey importKey = _provider.GetImportPublicKey("tenant-a");
        byte[] wrapped = Customer.WrapForImport(importKey, Customer.KnownKek(), ImportWrapping.RsaOaepSha256);

        AssertImportFails(new KekId("tenant-b", 1), importKey.Id, wrapped, ImportWrapping.RsaOaepSha256, KeyUnavailableReason.NotFound);
    }

    [Test]
    public void An_unknown_import_key_is_not_found()
    {
        ImportPublicKey importKey = _provider.GetImportPublicKey("tenant-a");
        byte[] wrapped = Customer.WrapForImport(importKey, Customer.KnownKek(), ImportWrapping.RsaOaepSha256);
        var unknown = new ImportKeyId(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

        AssertImportFails(new KekId("tenant-a", 1), unknown, wrapped, ImportWrapping.RsaOaepSha256, KeyUnavailableReason.NotFound);
    }

    [TestCaseSource(nameof(AllWrappings))]
    public void Tampered_key_material_fails_the_integrity_check_creates_nothing_and_keeps_the_import_key(ImportWrapping wrapping)
    {
        var kek = new KekId("tenant-a", 1);
        ImportPublicKey importKey = _provider.GetImportPublicKey(kek.Name);
        byte[] wrapped = Customer.WrapForImport(importKey, Customer.KnownKek(), wrapping);
        wrapped[^1] ^= 0x01;

        AssertImportFails(kek, importKey.Id, wrapped, wrapping, KeyUnavailableReason.IntegrityCheckFailed);
        AssertFails(() => _provider.Describe(kek), KeyUnavailableReason.NotFound);

        _provider.Import(kek, importKey.Id, Customer.WrapForImport(importKey, Customer.KnownKek(), wrapping), wrapping);
        Assert.That(_provider.Describe(kek).Origin, Is.EqualTo(KekOrigin.Imported));
    }

    [Test]
    public void Key_material_under_the_wrong_hash_fails_the_integrity_check()
    {
        ImportPublicKey importKey = _provider.GetImportPublicKey("tenant-a");
        byte[] wrapped = Customer.WrapForImport(importKey, Customer.KnownKek(), ImportWrapping.RsaOaepSha1);

        AssertImportFails(new KekId("tenant-a", 1), importKey.Id, wrapped, ImportWrapping.RsaOaepSha256, KeyUnavailableReason.IntegrityCheckFailed);
    }

    [TestCaseSource(nameof(AllWrappings))]
    public void Aes_128_key_material_is_a_policy_violation(ImportWrapping wrapping)
    {
        ImportPublicKey importKey = _provider.GetImportPublicKey("tenant-a");
        byte[] wrapped = Customer.WrapForImport(importKey, RandomNumberGenerator.GetBytes(16), wrapping);

        AssertImportFails(new KekId("tenant-a", 1), importKey.Id, wrapped, wrapping, KeyUnavailableReason.PolicyViolation);
    }

    [TestCaseSource(nameof(AllWrappings))]
    public void Key_material_of_the_wrong_length_fails_the_integrity_check(ImportWrapping wrapping)
    {
        ImportPublicKey importKey = _provider.GetImportPublicKey("tenant-a");
        byte[] wrapped = Customer.WrapForImport(importKey, Customer.KnownKek(), wrapping);

        AssertImportFails(new KekId("tenant-a", 1), importKey.Id, wrapped[..^4], wrapping, KeyUnavailableReason.IntegrityCheckFailed);
    }

    [Test]
    public void An_import_key_expires_after_24_hours_and_is_destroyed()
    {
        ImportPublicKey importKey = _provider.GetImportPublicKey("tenant-a");
        byte[] wrapped = Customer.WrapForImport(importKey, Customer.KnownKek(), ImportWrapping.RsaOaepSha256);

        _clock.Now = importKey.ExpiresAt;

        AssertImportFails(new KekId("tenant-a", 1), importKey.Id, wrapped, ImportWrapping.RsaOaepSha256, KeyUnavailableReason.Expired);
        AssertImportFails(new KekId("tenant-a", 1), importKey.Id, wrapped, ImportWrapping.RsaOaepSha256, KeyUnavailableReason.NotFound);
    }

    [Test]
    public void Asking_for_an_import_key_removes_the_names_expired_ones_only()
    {
        ImportPublicKey old = _provider.GetImportPublicKey("tenant-a");
        ImportPublicKey otherName = _provider.GetImportPublicKey("tenant-b");
        _clock.Now = old.ExpiresAt;

        ImportPublicKey fresh = _provider.GetImportPublicKey("tenant-a");

        Assert.That(_directory.FileNames().Where(f => f.EndsWith(".rsa", StringComparison.Ordinal)),
            Is.EquivalentTo(new[] { $"tenant-a.import.{fresh.Id}.rsa", $"tenant-b.import.{otherName.Id}.rsa" }));
    }

    [Test]
    public void Import_into_an_existing_or_destroyed_version_is_refused()
    {
        ImportPublicKey importKey = _provider.GetImportPublicKey("tenant-a");
        byte[] wrapped = Customer.WrapForImport(importKey, Customer.KnownKek(), ImportWrapping.RsaOaepSha256);
        _provider.Create(new KekId("tenant-a", 1));
        _provider.Create(new KekId("tenant-a", 2));
        _provider.Destroy(new KekId("tenant-a", 2));

        AssertImportFails(new KekId("tenant-a", 1), importKey.Id, wrapped, ImportWrapping.RsaOaepSha256, KeyUnavailableReason.AlreadyExists);
        AssertImportFails(new KekId("tenant-a", 2), importKey.Id, wrapped, ImportWrapping.RsaOaepSha256, KeyUnavailableReason.Destroyed);
    }

    [Test]
    public void An_undefined_wrapping_is_an_argument_error()
    {
        ImportPublicKey importKey = _provider.GetImportPublicKey("tenant-a");

        Assert.That(() => _provider.Import(new KekId("tenant-a", 1), importKey.Id, new byte[384], (ImportWrapping)99), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Destroying_an_imported_kek_leaves_the_customers_bytes_in_no_file()
    {
        var kek = new KekId("tenant-a", 1);
        Import(kek, Customer.KnownKek(), ImportWrapping.RsaAesKeyWrapSha256);
        Assert.That(FilesContaining(Customer.KnownKek()), Is.EqualTo(new[] { "tenant-a.v1.key" }));

        _provider.Destroy(kek);

        Assert.That(FilesContaining(Customer.KnownKek()), Is.Empty);
    }

    private void Import(KekId kek, byte[] keyMaterial, ImportWrapping wrapping)
    {
        ImportPublicKey importKey = _provider.GetImportPublicKey(kek.Name);
        _provider.Import(kek, importKey.Id, Customer.WrapForImport(importKey, keyMaterial, wrapping), wrapping);
    }

    private string[] FilesContaining(byte[] value) =>
        [.. _directory.FileNames().Where(name => File.ReadAllBytes(_directory.FileNamed(name)).AsSpan().IndexOf(value) >= 0)];

    private void AssertImportFails(KekId target, ImportKeyId importKeyId, byte[] wrapped, ImportWrapping wrapping, KeyUnavailableReason reason)
    {
        var e = Assert.Throws<KeyUnavailableException>(() => _provider.Import(target, importKeyId, wrapped, wrapping));
        Assert.That(e!.Reason, Is.EqualTo(reason));
        Assert.That(e.KekId, Is.EqualTo(target));
    }

    private static void AssertFails(TestDelegate action, KeyUnavailableReason reason)
    {
        var e = Assert.Throws<KeyUnavailableException>(action);
        Assert.That(e!.Reason, Is.EqualTo(reason));
    }
}
