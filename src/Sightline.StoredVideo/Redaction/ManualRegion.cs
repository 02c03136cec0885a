using System.Globalization;

namespace Sightline.StoredVideo.Redaction;

/// <summary>
/// An area covered on every frame of a time span, whatever is seen there: <c>x,y,w,h</c> as fractions of the frame
/// (0–1, from the top left), and <c>@from-to</c> in seconds (the whole video when left out).
/// </summary>
public sealed record ManualRegion(float X, float Y, float Width, float Height, double? From = null, double? To = null)
{
    /// <summary>Reads <c>x,y,w,h</c> or <c>x,y,w,h@from-to</c>; InvalidParameter saying what is wrong otherwise.</summary>
    public static ManualRegion Parse(string text)
    {
        SightlineException Bad(string why) => SightlineException.InvalidParameter(
            $"Region '{(text.Length > 80 ? text[..80] + "…" : text)}' {why}; write x,y,w,h@from-to (fractions of the frame 0–1, seconds), e.g. 0.1,0.2,0.3,0.25@2-7.5.");
        string[] at = text.Trim().Split('@');
        if (at.Length > 2)
            throw Bad("has more than one @");
        string[] box = at[0].Split(',');
        if (box.Length != 4)
            throw Bad("needs four numbers before the @");
        var v = new float[4];
        for (int i = 0; i < 4; i++)
        {
            if (!float.TryParse(box[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !float.IsFinite(v[i]))
                throw Bad($"has '{box[i]}' where a number belongs");
        }
        double? from = null, to = null;
        if (at.Length == 2)
        {
            string[] span = at[1].Split('-');
            if (span.Length != 2 || !double.TryParse(span[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double f)
                || !double.TryParse(span[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double t) || !double.IsFinite(f) || !double.IsFinite(t))
                throw Bad("needs a time span from-to in seconds after the @");
            (from, to) = (f, t);
        }
        return new ManualRegion(v[0], v[1], v[2], v[3], from, to).Validated();
    }

    /// <summary>This region, or InvalidParameter when it is outside the frame or its span is empty.</summary>
    public ManualRegion Validated()
    {
        const float Slack = 1e-4f;
        if (!(X >= 0 && Y >= 0 && Width > 0 && Height > 0 && X + Width <= 1 + Slack && Y + Height <= 1 + Slack))
            throw SightlineException.InvalidParameter($"Region {this} must lie inside the frame: x, y from 0, width and height above 0, x + width and y + height at most 1.");
        if (From is < 0 || To is < 0 || (From is { } f && To is { } t && t <= f) || (From is null) != (To is null))
            throw SightlineException.InvalidParameter($"Region {this} needs a time span with 0 ≤ from < to (seconds).");
        return this;
    }

    public override string ToString()
    {
        string box = string.Create(CultureInfo.InvariantCulture, $"{X},{Y},{Width},{Height}");
        return From is { } f && To is { } t ? string.Create(CultureInfo.InvariantCulture, $"{box}@{f}-{t}") : box;
    }
}
