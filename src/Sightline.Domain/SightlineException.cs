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

    /// <summary>Signed in, but the key's role may not do this.</summary>
    AccessDenied,

    /// <summary>No credentials on a request that needs them.</summary>
    MissingAuthentication,

    /// <summary>An access key Sightline did not issue, or one that was revoked.</summary>
    UnrecognizedClient,

    /// <summary>A signature that does not match, has expired, or was seen before.</summary>
    InvalidSignature,

    /// <summary>An Authorization header missing parts of a signature.</summary>
    IncompleteSignature,

    /// <summary>Too many requests in flight; try again.</summary>
    Throttling,

    /// <summary>An S3Object that is not configured, not found, or not readable.</summary>
    InvalidS3Object,

    /// <summary>Too many jobs queued.</summary>
    LimitExceeded,

    /// <summary>A request body that is not JSON, or a value of the wrong JSON type for its field.</summary>
    Serialization,

    /// <summary>The resource is in a state that does not allow this (a running stream processor).</summary>
    ResourceInUse,
}

/// <summary>A typed failure raised at a boundary (image bytes, arguments, model files).</summary>
public sealed class SightlineException : Exception
{
    public SightlineException(ErrorKind kind, string message, Exception? inner = null)
        : base(message, inner) => Kind = kind;

    public ErrorKind Kind { get; }

    /// <summary>For Throttling: when the client may try again (sent as <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The Rekognition <c>__type</c> for this failure.</summary>
    public string RekognitionType => Kind switch
    {
        ErrorKind.InvalidParameter => "InvalidParameterException",
        ErrorKind.InvalidImageFormat => "InvalidImageFormatException",
        ErrorKind.ImageTooLarge => "ImageTooLargeException",
        ErrorKind.ResourceNotFound => "ResourceNotFoundException",
        ErrorKind.ResourceAlreadyExists => "ResourceAlreadyExistsException",
        ErrorKind.Conflict => "ConflictException",
        ErrorKind.AccessDenied => "AccessDeniedException",
        ErrorKind.MissingAuthentication => "MissingAuthenticationTokenException",
        ErrorKind.UnrecognizedClient => "UnrecognizedClientException",
        ErrorKind.InvalidSignature => "InvalidSignatureException",
        ErrorKind.IncompleteSignature => "IncompleteSignatureException",
        ErrorKind.Throttling => "ThrottlingException",
        ErrorKind.InvalidS3Object => "InvalidS3ObjectException",
        ErrorKind.LimitExceeded => "LimitExceededException",
        ErrorKind.Serialization => "SerializationException",
        ErrorKind.ResourceInUse => "ResourceInUseException",
        _ => "InternalServerError",
    };

    /// <summary>The HTTP status Rekognition answers this failure with (429 for throttling, as the SDKs retry it).</summary>
    public int HttpStatus => Kind switch
    {
        ErrorKind.MissingAuthentication => 403, // the rest of the signature family is 400, as AWS JSON services answer them
        ErrorKind.Throttling => 429,
        ErrorKind.ModelUnavailable or ErrorKind.Internal => 500,
        _ => 400,
    };

    public static SightlineException InvalidParameter(string message) => new(ErrorKind.InvalidParameter, message);

    public static SightlineException InvalidImage(string message) => new(ErrorKind.InvalidImageFormat, message);

    public static SightlineException TooLarge(string message) => new(ErrorKind.ImageTooLarge, message);

    public static SightlineException Serialization(string message, Exception? inner = null) => new(ErrorKind.Serialization, message, inner);
}
