package org.airgap.websrv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends one request exactly as written (no client-side path normalisation) and reads the whole
 * response until the server closes: for traversal attempts a real client would clean up.
 */
final class RawHttp {
  record Response(int status, String head, byte[] body) {
    String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  private RawHttp() {}

  static Response send(InetSocketAddress to, String requestTarget) throws IOException {
    String req = "GET " + requestTarget + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
    return sendRaw(to, req.getBytes(StandardCharsets.ISO_8859_1));
  }

  static Response sendRaw(InetSocketAddress to, byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(to, 5000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      byte[] bytes = all.toByteArray();
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        throw new IOException("no complete response: " + text);
      }
      String head = text.substring(0, end);
      int status = Integer.parseInt(head.substring(9, 12));
      byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
      return new Response(status, head, body);
    }
  }
}
