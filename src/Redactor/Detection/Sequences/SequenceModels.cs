using Microsoft.Recognizers.Text;
using Microsoft.Recognizers.Text.Sequence;

namespace PrivateInference.Redactor.Detection.Sequences;

/// <summary>Microsoft.Recognizers.Text's English sequence models (phone, e-mail, URL, IP), built once.</summary>
/// <remarks>They cost 1–10 µs per short window here, so recognizers call them only on windows around
/// cheap anchors ('@', "://", digit clusters shaped like phone numbers), never on whole documents.</remarks>
internal static class SequenceModels
{
    private static readonly Lazy<SequenceRecognizer> Recognizer = new(() => new SequenceRecognizer(Culture.English));
    private static readonly Lazy<IModel> PhoneModel = new(() => Recognizer.Value.GetPhoneNumberModel());
    private static readonly Lazy<IModel> EmailModel = new(() => Recognizer.Value.GetEmailModel());
    private static readonly Lazy<IModel> UrlModel = new(() => Recognizer.Value.GetURLModel());
    private static readonly Lazy<IModel> IpModel = new(() => Recognizer.Value.GetIpAddressModel());

    public static IModel Phone => PhoneModel.Value;

    public static IModel Email => EmailModel.Value;

    public static IModel Url => UrlModel.Value;

    public static IModel Ip => IpModel.Value;

    /// <summary>Runs <paramref name="model"/> on text[start..end) and returns matches in text offsets.</summary>
    public static IEnumerable<(int Start, int End)> Find(IModel model, ReadOnlySpan<char> text, int start, int end)
    {
        var window = text[start..end].ToString();
        var results = model.Parse(window);
        var found = new List<(int, int)>(results.Count);
        foreach (var r in results)
        {
            // Start and End are inclusive indices into the window.
            if (r.Start >= 0 && r.End >= r.Start && r.End < window.Length)
            {
                found.Add((start + r.Start, start + r.End + 1));
            }
        }

        return found;
    }
}
