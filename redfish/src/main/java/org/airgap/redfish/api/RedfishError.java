package org.airgap.redfish.api;

/**
 * Every error this service answers with: the Redfish Base registry message it stands for, the HTTP
 * status it carries, and our wording with {@code %1}, {@code %2} placeholders for its arguments.
 * The one renderer ({@link ErrorRenderer}) turns these into {@code error} bodies with
 * {@code @Message.ExtendedInfo}; handlers only throw {@link RedfishException}.
 */
public enum RedfishError {
  MALFORMED_JSON(
      400, "MalformedJSON", "The request body is not valid JSON: %1", "Send a JSON object."),
  EMPTY_JSON(400, "EmptyJSON", "The request body is empty.", "Send a JSON object."),
  UNRECOGNIZED_REQUEST_BODY(
      400,
      "UnrecognizedRequestBody",
      "The request body is not a JSON object.",
      "Send a JSON object."),
  PROPERTY_UNKNOWN(
      400, "PropertyUnknown", "The property %1 is not known here.", "Remove the property."),
  PROPERTY_NOT_WRITABLE(
      400,
      "PropertyNotWritable",
      "The property %1 is read-only.",
      "Remove the property from the request body."),
  PROPERTY_VALUE_TYPE_ERROR(
      400,
      "PropertyValueTypeError",
      "The value %1 of the property %2 has the wrong type.",
      "Send a value of the type the schema names."),
  PROPERTY_VALUE_NOT_IN_LIST(
      400,
      "PropertyValueNotInList",
      "The value %1 of the property %2 is not one of the allowable values.",
      "Send one of the values in @Redfish.AllowableValues."),
  PROPERTY_VALUE_OUT_OF_RANGE(
      400,
      "PropertyValueOutOfRange",
      "The value %1 of the property %2 is out of range.",
      "Send a value within the documented range."),
  ACTION_PARAMETER_MISSING(
      400,
      "ActionParameterMissing",
      "The action %1 needs the parameter %2.",
      "Add the parameter and resubmit."),
  ACTION_PARAMETER_UNKNOWN(
      400,
      "ActionParameterUnknown",
      "The action %1 has no parameter %2.",
      "Remove the parameter and resubmit."),
  ACTION_PARAMETER_VALUE_TYPE_ERROR(
      400,
      "ActionParameterValueTypeError",
      "The value %1 of the parameter %2 of the action %3 has the wrong type.",
      "Send a value of the right type."),
  ACTION_PARAMETER_VALUE_FORMAT_ERROR(
      400,
      "ActionParameterValueFormatError",
      "The value %1 of the parameter %2 of the action %3 has the wrong format.",
      "Send a value in the documented format."),
  ACTION_PARAMETER_NOT_SUPPORTED(
      400,
      "ActionParameterNotSupported",
      "The value %1 of the parameter %2 is not supported by the action %3.",
      "Send one of the values in @Redfish.AllowableValues."),
  ACTION_NOT_SUPPORTED(
      400,
      "ActionNotSupported",
      "The action %1 is not supported by this resource.",
      "Use an action that the resource lists under Actions."),
  FEATURE_NOT_SUPPORTED(
      501,
      "OperationNotAllowed",
      "The machine backend '%1' does not support %2.",
      "Use a backend that supports it (redfish.driver)."),
  NO_VALID_SESSION(
      401,
      "NoValidSession",
      "There is no valid session or credential for this request.",
      "Log in with POST to the Sessions collection or send HTTP Basic credentials."),
  LOGIN_FAILED(
      401,
      "NoValidSession",
      "The user name or password is not valid.",
      "Log in with a user of the appliance's htpasswd file."),
  CREATE_FAILED_MISSING_REQ_PROPERTIES(
      400,
      "CreateFailedMissingReqProperties",
      "The create failed because the property %1 is missing.",
      "Add the property and resubmit."),
  RESOURCE_NOT_FOUND(
      404,
      "ResourceNotFound",
      "The %1 named %2 was not found.",
      "Use an identifier from the resource's collection."),
  RESOURCE_MISSING_AT_URI(
      404,
      "ResourceMissingAtURI",
      "There is no resource at the URI %1.",
      "Follow the links from the service root /redfish/v1/."),
  OPERATION_NOT_ALLOWED(
      405,
      "OperationNotAllowed",
      "The method %1 is not allowed on %2.",
      "Use one of the methods in the Allow header."),
  RESOURCE_IN_USE(
      409,
      "ResourceInUse",
      "The %1 is in use: %2",
      "Eject the inserted media first, then insert the new image."),
  PRECONDITION_FAILED(
      412,
      "PreconditionFailed",
      "The ETag in If-Match does not match the resource's current ETag.",
      "GET the resource again and resubmit with its new ETag."),
  UNSUPPORTED_MEDIA_TYPE(
      415,
      "UnrecognizedRequestBody",
      "The Content-Type %1 is not supported.",
      "Send application/json."),
  SESSION_LIMIT_EXCEEDED(
      503,
      "SessionLimitExceeded",
      "The session limit of %1 has been reached.",
      "Log out of unused sessions (DELETE them) and retry."),
  MEDIA_UNAUTHORIZED(
      400,
      "ResourceAtUriUnauthorized",
      "While accessing the resource at %1, the service received an authorization error: %2",
      "Send the UserName and Password the image server accepts with InsertMedia."),
  MEDIA_UNREACHABLE(
      400,
      "CouldNotEstablishConnection",
      "The service failed to get the image at %1: %2",
      "Check that the Image URL is right and its server reachable from the BMC's host."),
  MEDIA_REFUSED(
      400,
      "ActionParameterValueError",
      "The image server answered %2 for the Image %1 of the action InsertMedia.",
      "Check the Image URL: the file must exist on the server."),
  INTERNAL_ERROR(
      500,
      "InternalError",
      "The request failed because of an internal error.",
      "Retry; if it persists, see the service log.");

  /** The Base message registry version our MessageIds name. */
  public static final String REGISTRY = "Base.1.19";

  private final int status;
  private final String messageKey;
  private final String template;
  private final String resolution;

  RedfishError(int status, String messageKey, String template, String resolution) {
    this.status = status;
    this.messageKey = messageKey;
    this.template = template;
    this.resolution = resolution;
  }

  public int status() {
    return status;
  }

  /** {@code Base.1.19.ResourceNotFound}. */
  public String messageId() {
    return REGISTRY + "." + messageKey;
  }

  public String resolution() {
    return resolution;
  }

  /** The message with {@code %1}… replaced by {@code args}. */
  public String format(String... args) {
    String s = template;
    for (int i = args.length; i >= 1; i--) {
      s = s.replace("%" + i, args[i - 1]);
    }
    return s;
  }
}
