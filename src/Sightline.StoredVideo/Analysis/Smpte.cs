using System.Globalization;

namespace Sightline.StoredVideo.Analysis;

/// <summary>SMPTE timecodes of frame numbers: HH:MM:SS:FF, or HH:MM:SS;FF with drop-frame counting at 29.97 and 59.94 fps.</summary>
internal static class Smpte
{
    public static string Timecode(long frame, double fps)
    {
        int nominal = Math.Max(1, (int)Math.Round(fps));
        bool drop = Math.Abs(fps - 30000.0 / 1001) < 0.01 || Math.Abs(fps - 60000.0 / 1001) < 0.01;
        if (drop)
        {
            // Drop-frame: frame numbers 0 and 1 (0–3 at 59.94) are skipped each minute, except every tenth minute.
            int dropped = nominal / 15;
            long perTenMinutes = nominal * 600 - dropped * 9, perMinute = nominal * 60 - dropped;
            long tens = frame / perTenMinutes, rest = frame % perTenMinutes;
            frame += dropped * 9 * tens + (rest > dropped ? dropped * ((rest - dropped) / perMinute) : 0);
        }
        long ff = frame % nominal, seconds = frame / nominal;
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:00}:{seconds / 60 % 60:00}:{seconds % 60:00}{(drop ? ';' : ':')}{ff:00}");
    }
}
