namespace PrivateInference.Redactor.Tests.Detection.Support;

/// <summary>ISO 13616 mod-97 arithmetic, to check the test tables themselves.</summary>
public static class Ibans
{
    public static bool IsMod97Valid(string iban)
    {
        var compact = iban.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (compact.Length < 5)
        {
            return false;
        }

        var rearranged = compact[4..] + compact[..4];
        var remainder = 0;
        foreach (var c in rearranged)
        {
            int value;
            if (c is >= '0' and <= '9')
            {
                value = c - '0';
                remainder = ((remainder * 10) + value) % 97;
            }
            else if (c is >= 'A' and <= 'Z')
            {
                value = c - 'A' + 10;
                remainder = ((remainder * 100) + value) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }
}
