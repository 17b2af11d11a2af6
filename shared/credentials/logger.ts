// Where the credential code reports what it does (mode at start-up, re-reads, refused tokens). Never given secrets or
// tokens. Defaults to the console, which the Functions host collects.

export interface CredentialLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleCredentialLogger: CredentialLogger = {
  info: (message) => console.info(message),
  warn: (message) => console.warn(message),
};
