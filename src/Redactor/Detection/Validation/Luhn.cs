namespace PrivateInference.Redactor.Detection.Validation;

/// <summary>The Luhn (mod 10) check used by payment card numbers.</summary>
internal static class Luhn
{
    /// <summary>True when the digits (values 0–9) pass the Luhn check.</summary>
    public static bool IsValid(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i];
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return digits.Length > 0 && sum % 10 == 0;
    }
}
