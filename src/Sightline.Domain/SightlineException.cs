namespace Sightline;

/// <summary>The few kinds of failure a caller can act on; each maps to one Rekognition error type.</summary>
public enum ErrorKind
{
    InvalidParameter,
    InvalidImageFormat,
    ImageTooLarge,
    ResourceNotFound,
    ResourceAlreadyExists,
    Conflict,
    ModelUnavailable,
    Internal,
}

/// <summary>A typed failure raised at a boundary (image bytes, arguments, model files).</summary>
public sealed class SightlineException : Exception
{
    public SightlineException(ErrorKind kind, string message, Exception? inner = null)
        : base(message, inner) => Kind = kind;

    public ErrorKind Kind { get; }

    /// <summary>The Rekognition <c>__type</c> for this failure.</summary>
    public string RekognitionType => Kind switch
    {
        ErrorKind.InvalidParameter => "InvalidParameterException",
        ErrorKind.InvalidImageFormat => "InvalidImageFormatException",
        ErrorKind.ImageTooLarge => "ImageTooLargeException",
        ErrorKind.ResourceNotFound => "ResourceNotFoundException",
        ErrorKind.ResourceAlreadyExists => "ResourceAlreadyExistsException",
        ErrorKind.Conflict => "ConflictException",
        _ => "InternalServerError",
    };

    public static SightlineException InvalidParameter(string message) => new(ErrorKind.InvalidParameter, message);

    public static SightlineException InvalidImage(string message) => new(ErrorKind.InvalidImageFormat, message);

    public static SightlineException TooLarge(string message) => new(ErrorKind.ImageTooLarge, message);
}
