// What sendmail accepts as an address: no blanks, brackets, quotes or separators a header could misread.
export const emailAddress = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;
