using System.Text;
using PrivateInference.Redactor.Detection;

namespace PrivateInference.Cli.Output;

/// <summary>Shows the shape of a found value without its content.</summary>
/// <remarks>Letters and digits become '*', separators stay. A PAN keeps its last four digits, the most
/// PCI DSS 3.4.1 allows to display; every other type is masked completely.</remarks>
internal static class Masking
{
    public static string Mask(ReadOnlySpan<char> value, EntityType type)
    {
        var keepLastDigits = type == EntityType.Pan ? 4 : 0;
        var builder = new StringBuilder(value.Length);
        var digitsSeen = 0;
        for (var i = value.Length - 1; i >= 0; i--)
        {
            var c = value[i];
            if (char.IsDigit(c) && digitsSeen < keepLastDigits)
            {
                digitsSeen++;
                builder.Insert(0, c);
            }
            else if (char.IsLetterOrDigit(c) || char.IsSurrogate(c))
            {
                builder.Insert(0, '*');
            }
            else if (char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
            {
                continue;
            }
            else
            {
                builder.Insert(0, c);
            }
        }

        return builder.ToString();
    }
}
