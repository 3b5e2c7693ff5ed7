package org.airgap.websrv;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.airgap.websrv.http.HttpDates;

/** A plain HTML listing of a folder: names (hidden ones left out), sizes and dates. */
final class DirectoryIndex {
  private DirectoryIndex() {}

  static String render(String urlPath, Path dir) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(entries::add);
    }
    StringBuilder b = new StringBuilder(256 + entries.size() * 128);
    String title = escape(urlPath);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Index of ")
        .append(title)
        .append("</title></head>\n<body><h1>Index of ")
        .append(title)
        .append("</h1>\n<table>\n<tr><th>Name</th><th>Size</th><th>Last modified</th></tr>\n");
    if (!urlPath.equals("/")) {
      b.append("<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n");
    }
    for (Path p : entries) {
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class);
      } catch (IOException e) {
        continue; // a dangling symlink or a file removed meanwhile
      }
      String name = p.getFileName().toString();
      boolean isDir = a.isDirectory();
      String href = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
      b.append("<tr><td><a href=\"")
          .append(href)
          .append(isDir ? "/" : "")
          .append("\">")
          .append(escape(name))
          .append(isDir ? "/" : "")
          .append("</a></td><td>")
          .append(isDir ? "-" : Long.toString(a.size()))
          .append("</td><td>")
          .append(HttpDates.format(a.lastModifiedTime().toInstant()))
          .append("</td></tr>\n");
    }
    b.append("</table>\n</body></html>\n");
    return b.toString();
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
