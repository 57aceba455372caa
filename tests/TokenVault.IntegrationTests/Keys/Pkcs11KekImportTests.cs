using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Keys;

/// <summary>BYOK against a real SoftHSM2 token: the customer wraps known key bytes with .NET's RSA, the token
/// unwraps them into a KEK, and the KEK is shown to be exactly the customer's key.</summary>
/// <remarks>
/// The provider accepts imported keys whose length SoftHSM 2.6 does not report (see
/// <see cref="Pkcs11KekProviderOptions.AcceptImportedKeysWithoutReportedLength"/>); the default refusal is in
/// <see cref="Pkcs11KekImportPolicyTests"/>. The token makes RSA-3072 keys slowly (seconds each), so the
/// fixture makes two: one the set-up imports through, one that failure cases use and never consume.
/// </remarks>
[TestFixture]
public sealed class Pkcs11KekImportTests
{
    private Pkcs11KekProvider _provider = null!;
    private DateTimeOffset _requestedAt;
    private ImportPublicKey _usedImportKey = null!;
    private KekId _imported;
    private ImportWrapping _wrapping;
    private KeyUnavailableException? _sha256Refusal;
    private ImportPublicKey _spareImportKey = null!;

    [OneTimeSetUp]
    public void Import_the_customers_known_key()
    {
        _provider = SoftHsm.Open(acceptImportedKeysWithoutReportedLength: true);
        _imported = SoftHsm.NewKekId();
        _requestedAt = DateTimeOffset.UtcNow;
        _usedImportKey = _provider.GetImportPublicKey(_imported.Name);

        if (!_usedImportKey.Wrappings.Contains(ImportWrapping.RsaOaepSha256))
        {
            // The customer tries SHA-256 first, as the brief's clouds do; the module cannot, and must say so cleanly.
            byte[] sha256 = Customer.WrapForImport(_usedImportKey, Customer.KnownKek(), ImportWrapping.RsaOaepSha256);
            _sha256Refusal = Assert.Throws<KeyUnavailableException>(
                () => _provider.Import(_imported, _usedImportKey.Id, sha256, ImportWrapping.RsaOaepSha256));
        }

        _wrapping = _usedImportKey.Wrappings[0];
        byte[] wrapped = Customer.WrapForImport(_usedImportKey, Customer.KnownKek(), _wrapping);
        _provider.Import(_imported, _usedImportKey.Id, wrapped, _wrapping);

        _spareImportKey = _provider.GetImportPublicKey(SoftHsm.NewName());
    }

    [OneTimeTearDown]
    public void Close_the_token() => _provider?.Dispose();

    [Test]
    public void The_import_key_is_an_rsa_3072_public_key_for_one_name_that_expires_after_24_hours()
    {
        using var fromDer = RSA.Create();
        fromDer.ImportSubjectPublicKeyInfo(_usedImportKey.SubjectPublicKeyInfo.Span, out int read);
        using var fromPem = RSA.Create();
        fromPem.ImportFromPem(_usedImportKey.Pem);

        Assert.Multiple(() =>
        {
            Assert.That(read, Is.EqualTo(_usedImportKey.SubjectPublicKeyInfo.Length));
            Assert.That(fromDer.KeySize, Is.EqualTo(3072));
            Assert.That(fromPem.ExportSubjectPublicKeyInfo(), Is.EqualTo(_usedImportKey.SubjectPublicKeyInfo.ToArray()));
            Assert.That(_usedImportKey.Pem, Does.StartWith("-----BEGIN PUBLIC KEY-----"));
            Assert.That(_usedImportKey.KekName, Is.EqualTo(_imported.Name));
            Assert.That(_usedImportKey.ExpiresAt, Is.EqualTo(_requestedAt + ImportPublicKey.Lifetime).Within(TimeSpan.FromMinutes(1)));
            Assert.That(_usedImportKey.Wrappings, Is.Not.Empty.And.Not.Contains(ImportWrapping.RsaAesKeyWrapSha256).And.Not.Contains(ImportWrapping.RsaAesKeyWrapSha1));
        });
    }

    [Test]
    public void Rsa_oaep_sha256_is_used_when_the_module_can_and_otherwise_refused_as_not_supported_without_using_up_the_import_key()
    {
        if (_usedImportKey.Wrappings.Contains(ImportWrapping.RsaOaepSha256))
        {
            Assert.That(_wrapping, Is.EqualTo(ImportWrapping.RsaOaepSha256));
            return;
        }

        // The set-up imported through the same import key after this refusal.
        Assert.That(_sha256Refusal?.Reason, Is.EqualTo(KeyUnavailableReason.NotSupported));
    }

    [Test]
    public void SoftHsm2_here_unwraps_rsa_oaep_inside_the_token_with_sha1_only()
    {
        Assume.That(TestEnvironment.Pkcs11Module, Does.Contain("softhsm"), "a fact about SoftHSM 2.6, not about HSMs");

        Assert.That(_usedImportKey.Wrappings, Is.EqualTo(new[] { ImportWrapping.RsaOaepSha1 }));
    }

    [Test]
    public void The_imported_kek_unwraps_a_data_key_sealed_in_software_with_the_customers_bytes()
    {
        byte[] dataKey = _provider.Unwrap(_imported, Customer.KnownWrappedDataKey, Customer.KnownAad);

        Assert.That(dataKey, Is.EqualTo(Customer.KnownDataKey()));
    }

    [Test]
    public void Data_keys_the_imported_kek_wraps_open_in_software_with_the_customers_bytes()
    {
        byte[] dataKey = RandomNumberGenerator.GetBytes(32);

        byte[] wrapped = _provider.Wrap(_imported, dataKey, Customer.KnownAad);

        Assert.That(Customer.Open(Customer.KnownKek(), wrapped, Customer.KnownAad), Is.EqualTo(dataKey));
        Assert.That(CryptographicOperations.FixedTimeEquals(_provider.Unwrap(_imported, wrapped, Customer.KnownAad), dataKey), Is.True);
    }

    [Test]
    public void The_imported_kek_is_an_enabled_sensitive_non_extractable_imported_key()
    {
        KekInfo info = _provider.Describe(_imported);

        Assert.Multiple(() =>
        {
            Assert.That(info.State, Is.EqualTo(KekState.Enabled));
            Assert.That(info.Origin, Is.EqualTo(KekOrigin.Imported));
            Assert.That(info.Sensitive, Is.True);
            Assert.That(info.Extractable, Is.False);
            // PKCS#11 marks unwrapped keys as once-known outside the token; that is the truth about BYOK.
            Assert.That(info.AlwaysSensitive, Is.False);
            Assert.That(info.NeverExtractable, Is.False);
            // SoftHSM 2.6 does not record the length of unwrapped keys (SoftHSMv2 issue #628).
            Assert.That(info.KeyLengthBytes, Is.Null.Or.EqualTo(32));
        });
    }

    [Test]
    public void An_import_key_imports_once()
    {
        byte[] wrapped = Customer.WrapForImport(_usedImportKey, RandomNumberGenerator.GetBytes(32), _wrapping);

        AssertImportFails(new KekId(_imported.Name, 2), _usedImportKey.Id, wrapped, _wrapping, KeyUnavailableReason.NotFound);
    }

    [Test]
    public void An_import_key_only_imports_into_the_name_it_was_made_for()
    {
        byte[] wrapped = Customer.WrapForImport(_spareImportKey, RandomNumberGenerator.GetBytes(32), _wrapping);

        AssertImportFails(SoftHsm.NewKekId(), _spareImportKey.Id, wrapped, _wrapping, KeyUnavailableReason.NotFound);
    }

    [Test]
    public void An_unknown_import_key_is_not_found()
    {
        byte[] wrapped = Customer.WrapForImport(_spareImportKey, RandomNumberGenerator.GetBytes(32), _wrapping);
        var unknown = new ImportKeyId(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));

        AssertImportFails(new KekId(_spareImportKey.KekName, 1), unknown, wrapped, _wrapping, KeyUnavailableReason.NotFound);
    }

    [Test]
    public void Tampered_key_material_fails_the_integrity_check_inside_the_token_and_creates_nothing()
    {
        byte[] wrapped = Customer.WrapForImport(_spareImportKey, RandomNumberGenerator.GetBytes(32), _wrapping);
        wrapped[100] ^= 0x01;
        var target = new KekId(_spareImportKey.KekName, 7);

        AssertImportFails(target, _spareImportKey.Id, wrapped, _wrapping, KeyUnavailableReason.IntegrityCheckFailed);
        Assert.That(() => _provider.Describe(target), Throws.TypeOf<KeyUnavailableException>().With.Property("Reason").EqualTo(KeyUnavailableReason.NotFound));
    }

    [Test]
    public void Key_material_of_the_wrong_length_fails_the_integrity_check()
    {
        byte[] wrapped = Customer.WrapForImport(_spareImportKey, RandomNumberGenerator.GetBytes(32), _wrapping);

        AssertImportFails(new KekId(_spareImportKey.KekName, 8), _spareImportKey.Id, wrapped.AsSpan(1).ToArray(), _wrapping, KeyUnavailableReason.IntegrityCheckFailed);
    }

    [TestCase(ImportWrapping.RsaAesKeyWrapSha256)]
    [TestCase(ImportWrapping.RsaAesKeyWrapSha1)]
    public void Rsa_aes_key_wrap_is_not_supported_by_the_pkcs11_provider(ImportWrapping wrapping)
    {
        byte[] wrapped = Customer.WrapForImport(_spareImportKey, RandomNumberGenerator.GetBytes(32), wrapping);

        AssertImportFails(new KekId(_spareImportKey.KekName, 9), _spareImportKey.Id, wrapped, wrapping, KeyUnavailableReason.NotSupported);
    }

    [Test]
    public void Import_into_an_existing_version_is_already_exists()
    {
        var target = new KekId(_spareImportKey.KekName, 10);
        _provider.Create(target);
        byte[] wrapped = Customer.WrapForImport(_spareImportKey, RandomNumberGenerator.GetBytes(32), _wrapping);

        AssertImportFails(target, _spareImportKey.Id, wrapped, _wrapping, KeyUnavailableReason.AlreadyExists);
    }

    [Test]
    public void Import_into_a_destroyed_version_is_destroyed()
    {
        var target = new KekId(_spareImportKey.KekName, 11);
        _provider.Create(target);
        _provider.Destroy(target);
        byte[] wrapped = Customer.WrapForImport(_spareImportKey, RandomNumberGenerator.GetBytes(32), _wrapping);

        AssertImportFails(target, _spareImportKey.Id, wrapped, _wrapping, KeyUnavailableReason.Destroyed);
    }

    private void AssertImportFails(KekId target, ImportKeyId importKeyId, byte[] wrapped, ImportWrapping wrapping, KeyUnavailableReason reason)
    {
        var e = Assert.Throws<KeyUnavailableException>(() => _provider.Import(target, importKeyId, wrapped, wrapping));

        Assert.That(e!.Reason, Is.EqualTo(reason));
        Assert.That(e.KekId, Is.EqualTo(target));
    }
}
